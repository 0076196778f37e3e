"""case number trigrams

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-30

The case picker finds cases by any part of their number; on PostgreSQL a
trigram index (pg_trgm, a trusted extension shipped with PostgreSQL) serves
it. The embedded SQLite has no such index and needs none.
"""

from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

# As portal.models.cases creates them, frozen here.
POSTGRES_CASE_NUMBERS = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_cases_number_trigrams ON cases USING gin (case_number gin_trgm_ops)",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_CASE_NUMBERS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_cases_number_trigrams")

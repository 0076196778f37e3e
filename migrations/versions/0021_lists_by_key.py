"""lists by key

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30

The review queue and search page by (submission time, id): one index each
serves any page in either direction. Search documents carry their
complaint's submission time, and on PostgreSQL their terms as a stored
tsvector, so that matching and ordering are read from one table. SQLite's
full-text table is refreshed only when the text changes.
"""

import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

SQLITE_UPDATE_TRIGGER = (
    "CREATE TRIGGER search_documents_au AFTER UPDATE{of} ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.complaint_id, old.body); "
    "INSERT INTO search_fts(rowid, body) VALUES (new.complaint_id, new.body); END"
)
POSTGRES_TERMS = (
    "ALTER TABLE search_documents ADD COLUMN terms tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED",
    "CREATE INDEX ix_search_documents_terms ON search_documents USING gin (terms)",
)


def upgrade() -> None:
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaints_submitted_at'))
        batch_op.create_index('ix_complaints_submitted', ['submitted_at', 'id'], unique=False)
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_search_documents_submitted', ['submitted_at', 'complaint_id'], unique=False)
    op.execute(
        "UPDATE search_documents SET submitted_at = (SELECT submitted_at FROM complaints "
        "WHERE complaints.id = search_documents.complaint_id AND complaints.status != 'draft')"
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER search_documents_au")
        op.execute(SQLITE_UPDATE_TRIGGER.format(of=" OF body"))
    else:
        op.execute("DROP INDEX ix_search_documents_body")
        for statement in POSTGRES_TERMS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER search_documents_au")
        op.execute(SQLITE_UPDATE_TRIGGER.format(of=""))
    else:
        op.execute("DROP INDEX ix_search_documents_terms")
        op.execute("ALTER TABLE search_documents DROP COLUMN terms")
        op.execute("CREATE INDEX ix_search_documents_body ON search_documents USING gin (to_tsvector('simple', body))")
    op.drop_index('ix_search_documents_submitted', table_name='search_documents')
    # Not in a batch: rebuilding the table would drop SQLite's full-text triggers with it.
    op.execute("ALTER TABLE search_documents DROP COLUMN submitted_at")
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index('ix_complaints_submitted')
        batch_op.create_index(batch_op.f('ix_complaints_submitted_at'), ['submitted_at'], unique=False)

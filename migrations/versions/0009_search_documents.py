"""search documents

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27

Complaints already on file get their search documents from `portal search reindex`
(`make run` calls it after upgrading).
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# As portal.models.complaints creates them, frozen here.
SQLITE_SEARCH = (
    "CREATE VIRTUAL TABLE search_fts USING fts5(body, content='search_documents', content_rowid='complaint_id')",
    'CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN INSERT INTO search_fts(rowid, body) VALUES (new.complaint_id, new.body); END',
    "CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.complaint_id, old.body); END",
    "CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.complaint_id, old.body); INSERT INTO search_fts(rowid, body) VALUES (new.complaint_id, new.body); END",
)
POSTGRES_SEARCH = (
    "CREATE INDEX ix_search_documents_body ON search_documents USING gin (to_tsvector('simple', body))",
)


def upgrade() -> None:
    op.create_table('search_documents',
    sa.Column('complaint_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_search_documents_complaint_id_complaints'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('complaint_id', name=op.f('pk_search_documents'))
    )
    statements = SQLITE_SEARCH if op.get_bind().dialect.name == "sqlite" else POSTGRES_SEARCH
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE search_fts")
    op.drop_table('search_documents')

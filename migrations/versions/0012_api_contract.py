"""retired rights, users' names, idempotent requests

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29

A right that has lapsed, been invalidated or was recorded by mistake is
retired: new complaints cannot rely on it, those that did keep it.
A user has a name beside the e-mail address, to be addressed by.
A creating API request sent with an Idempotency-Key keeps its answer for a
retry of it. Drafts, rights and users carry a version, raised by every
change, that the API gives as their ETag and checks against If-Match.
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('ip_rights') as batch:
        batch.add_column(sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('name', sa.String(length=200), server_default='', nullable=False))
        batch.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    with op.batch_alter_table('complaints') as batch:
        batch.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    op.create_table('idempotent_requests',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('body', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_idempotent_requests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'key', name=op.f('pk_idempotent_requests'))
    )


def downgrade() -> None:
    op.drop_table('idempotent_requests')
    with op.batch_alter_table('complaints') as batch:
        batch.drop_column('version')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('version')
        batch.drop_column('name')
    with op.batch_alter_table('ip_rights') as batch:
        batch.drop_column('version')
        batch.drop_column('retired_at')

"""browser sessions users can see and end

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30

A signed-in browser's session gets a row id (its cookie's SHA-256 moves to
its own column), the address and User-Agent it signed in from, and when it
was last seen; one idle for 14 days no longer works. The sessions of
before are dropped: everyone signs in again once after this revision.
"""

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table('login_sessions')
    op.create_table('login_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('address', sa.String(length=45), server_default='', nullable=False),
    sa.Column('user_agent', sa.String(length=300), server_default='', nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_login_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_login_sessions_token_hash'))
    )
    with op.batch_alter_table('login_sessions') as batch:
        batch.create_index(batch.f('ix_login_sessions_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_table('login_sessions')
    op.create_table('login_sessions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_login_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_sessions'))
    )
    with op.batch_alter_table('login_sessions') as batch:
        batch.create_index(batch.f('ix_login_sessions_user_id'), ['user_id'], unique=False)

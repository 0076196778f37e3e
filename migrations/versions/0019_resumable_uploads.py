"""resumable uploads

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30

Files arrive over several requests (tus 1.0): each upload's offset, check
values so far and place in the store are kept between them.
"""

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('resumable_uploads',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('length', sa.BigInteger(), nullable=False),
    sa.Column('offset', sa.BigInteger(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('meta', sa.JSON(), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=True),
    sa.Column('hasher_state', sa.LargeBinary(), nullable=False),
    sa.Column('partial', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lease', sa.String(length=32), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_resumable_uploads_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resumable_uploads'))
    )
    with op.batch_alter_table('resumable_uploads') as batch:
        batch.create_index(batch.f('ix_resumable_uploads_user_id'), ['user_id'], unique=False)
        batch.create_index(batch.f('ix_resumable_uploads_expires_at'), ['expires_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('resumable_uploads') as batch:
        batch.drop_index(batch.f('ix_resumable_uploads_expires_at'))
        batch.drop_index(batch.f('ix_resumable_uploads_user_id'))
    op.drop_table('resumable_uploads')

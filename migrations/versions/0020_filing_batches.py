"""filing batches

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30

A sheet of complaints filed in bulk: each row as checked, and how far its
filing has come.
"""

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('filing_batches',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('sheet_name', sa.String(length=255), nullable=False),
    sa.Column('archive', sa.JSON(), nullable=True),
    sa.Column('archive_name', sa.String(length=255), nullable=False),
    sa.Column('submit', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('filed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lease', sa.String(length=32), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_filing_batches_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_filing_batches'))
    )
    with op.batch_alter_table('filing_batches') as batch:
        batch.create_index(batch.f('ix_filing_batches_user_id'), ['user_id'], unique=False)
    op.create_table('batch_rows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.String(length=32), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=True),
    sa.Column('values', sa.JSON(), nullable=False),
    sa.Column('errors', sa.JSON(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=True),
    sa.Column('received', sa.JSON(), nullable=False),
    sa.Column('state', sa.Enum('invalid', 'ready', 'filed', 'failed', name='rowstate', native_enum=False, length=40), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['filing_batches.id'], name=op.f('fk_batch_rows_batch_id_filing_batches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_batch_rows_complaint_id_complaints')),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_batch_rows_org_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_batch_rows')),
    sa.UniqueConstraint('batch_id', 'number', name=op.f('uq_batch_rows_batch_id'))
    )
    with op.batch_alter_table('batch_rows') as batch:
        batch.create_index(batch.f('ix_batch_rows_batch_id'), ['batch_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('batch_rows') as batch:
        batch.drop_index(batch.f('ix_batch_rows_batch_id'))
    op.drop_table('batch_rows')
    with op.batch_alter_table('filing_batches') as batch:
        batch.drop_index(batch.f('ix_filing_batches_user_id'))
    op.drop_table('filing_batches')

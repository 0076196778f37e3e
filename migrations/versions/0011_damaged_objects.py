"""damaged objects

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29

Stored objects found damaged (by scrub, a download or an export) until an
intact copy repairs them. Objects already found damaged by an earlier scrub
are marked again by the next one.
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('damaged_objects',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('found_sha256', sa.String(length=64), nullable=True),
    sa.Column('found_size', sa.BigInteger(), nullable=True),
    sa.Column('detected_via', sa.String(length=20), nullable=False),
    sa.Column('detected_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_damaged_objects'))
    )
    # The sweeper and repairs look documents up by the object they use.
    with op.batch_alter_table('case_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_documents_sha256'), ['sha256'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('case_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_documents_sha256'))
    op.drop_table('damaged_objects')

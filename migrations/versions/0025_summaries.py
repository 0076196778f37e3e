"""summaries

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-30

The supervisor's figures, worked out over the whole portal, are kept and
refreshed by `portal worker` every minute rather than worked out on every
view.
"""

import sqlalchemy as sa
from alembic import op

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('summaries',
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_summaries'))
    )


def downgrade() -> None:
    op.drop_table('summaries')

"""complaint assignment

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27

Supervisors assign open complaints to prosecutors; existing ones start unassigned.
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assigned_to_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_complaints_assigned_to_id'), ['assigned_to_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_complaints_assigned_to_id_users'), 'users', ['assigned_to_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_complaints_assigned_to_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_complaints_assigned_to_id'))
        batch_op.drop_column('assigned_to_id')

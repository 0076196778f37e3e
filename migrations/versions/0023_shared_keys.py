"""shared keys

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-30

How many filed complaints name each infringer key, kept as complaints are
submitted, so that the infringers named most are read from an index rather
than counted over every key on every view. Counted here once for the
complaints already filed. The keys' lookup index gains the infringer, so
that the complaints naming a key last are read backwards from it.
"""

import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('shared_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('value', sa.String(length=300), nullable=False),
    sa.Column('complaints', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shared_keys')),
    sa.UniqueConstraint('kind', 'value', name=op.f('uq_shared_keys_kind'))
    )
    with op.batch_alter_table('shared_keys', schema=None) as batch_op:
        batch_op.create_index('ix_shared_keys_complaints', ['complaints', 'id'], unique=False)
    with op.batch_alter_table('infringer_keys', schema=None) as batch_op:
        batch_op.drop_index('ix_infringer_keys_lookup')
        batch_op.create_index('ix_infringer_keys_lookup', ['kind', 'value', 'infringer_id'], unique=False)
    op.execute(
        "INSERT INTO shared_keys (kind, value, complaints) "
        "SELECT k.kind, k.value, count(DISTINCT c.id) FROM infringer_keys k "
        "JOIN infringers i ON i.id = k.infringer_id JOIN complaints c ON c.id = i.complaint_id "
        "WHERE c.status != 'draft' GROUP BY k.kind, k.value"
    )


def downgrade() -> None:
    with op.batch_alter_table('infringer_keys', schema=None) as batch_op:
        batch_op.drop_index('ix_infringer_keys_lookup')
        batch_op.create_index('ix_infringer_keys_lookup', ['kind', 'value'], unique=False)
    with op.batch_alter_table('shared_keys', schema=None) as batch_op:
        batch_op.drop_index('ix_shared_keys_complaints')
    op.drop_table('shared_keys')

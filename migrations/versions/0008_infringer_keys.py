"""infringer keys

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27

Each infringer gets its keys (normalised name, shop, domain), computed here for
the infringers already on file.
"""

import sqlalchemy as sa
from alembic import op

from portal.services import infringer_keys

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('infringer_keys',
    sa.Column('infringer_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('value', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['infringer_id'], ['infringers.id'], name=op.f('fk_infringer_keys_infringer_id_infringers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('infringer_id', 'kind', 'value', name=op.f('pk_infringer_keys'))
    )
    with op.batch_alter_table('infringer_keys', schema=None) as batch_op:
        batch_op.create_index('ix_infringer_keys_lookup', ['kind', 'value'], unique=False)

    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, name, shop_urls FROM infringers")).all()
    keys = sa.table("infringer_keys", sa.column("infringer_id"), sa.column("kind"), sa.column("value"))
    found = [
        {"infringer_id": infringer_id, "kind": kind, "value": value}
        for infringer_id, name, urls in rows
        for kind, value in infringer_keys.keys(name, urls.splitlines())
    ]
    if found:
        op.bulk_insert(keys, found)


def downgrade() -> None:
    with op.batch_alter_table('infringer_keys', schema=None) as batch_op:
        batch_op.drop_index('ix_infringer_keys_lookup')

    op.drop_table('infringer_keys')

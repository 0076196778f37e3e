"""transparency log and receipts

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

The log starts empty here: custody recorded before this revision stays in
its hash chains but has no leaves, and items received before it have no
receipt.
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('log_checkpoints',
    sa.Column('size', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('root_hash', sa.LargeBinary(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('timestamp_token', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('size', name=op.f('pk_log_checkpoints'))
    )
    op.create_table('log_head',
    sa.Column('id', sa.SmallInteger(), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_log_head'))
    )
    op.execute("INSERT INTO log_head (id, size) VALUES (1, 0)")
    op.create_table('log_nodes',
    sa.Column('level', sa.SmallInteger(), autoincrement=False, nullable=False),
    sa.Column('index', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('hash', sa.LargeBinary(length=32), nullable=False),
    sa.PrimaryKeyConstraint('level', 'index', name=op.f('pk_log_nodes'))
    )
    op.create_table('receipts',
    sa.Column('evidence_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('signature', sa.LargeBinary(length=64), nullable=False),
    sa.Column('key_fingerprint', sa.String(length=64), nullable=False),
    sa.Column('log_index', sa.BigInteger(), nullable=False),
    sa.Column('timestamp_token', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence_items.id'], name=op.f('fk_receipts_evidence_id_evidence_items')),
    sa.PrimaryKeyConstraint('evidence_id', name=op.f('pk_receipts')),
    sa.UniqueConstraint('log_index', name=op.f('uq_receipts_log_index'))
    )
    op.create_table('log_entries',
    sa.Column('index', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('leaf_hash', sa.LargeBinary(length=32), nullable=False),
    sa.Column('evidence_id', sa.Integer(), nullable=True),
    sa.Column('custody_event_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['custody_event_id'], ['custody_events.id'], name=op.f('fk_log_entries_custody_event_id_custody_events')),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence_items.id'], name=op.f('fk_log_entries_evidence_id_evidence_items')),
    sa.PrimaryKeyConstraint('index', name=op.f('pk_log_entries')),
    sa.UniqueConstraint('custody_event_id', name=op.f('uq_log_entries_custody_event_id'))
    )
    with op.batch_alter_table('log_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_log_entries_evidence_id'), ['evidence_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_log_entries_kind'), ['kind'], unique=False)

    with op.batch_alter_table('evidence_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sha512', sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column('sm3', sa.String(length=64), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('evidence_items', schema=None) as batch_op:
        batch_op.drop_column('sm3')
        batch_op.drop_column('sha512')

    with op.batch_alter_table('log_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_log_entries_kind'))
        batch_op.drop_index(batch_op.f('ix_log_entries_evidence_id'))

    op.drop_table('log_entries')
    op.drop_table('receipts')
    op.drop_table('log_nodes')
    op.drop_table('log_head')
    op.drop_table('log_checkpoints')

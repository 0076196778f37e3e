"""evidence frames and matches

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27

Evidence already on file has no frames yet; `portal worker` analyses and matches it
like a new upload, oldest first.
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('settings',
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_settings_updated_by_id_users')),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_settings'))
    )
    op.create_table('evidence_frames',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evidence_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('at_seconds', sa.Double(), nullable=True),
    sa.Column('preview_key', sa.String(length=200), nullable=False),
    sa.Column('full_code', sa.BigInteger(), nullable=False),
    sa.Column('centre_code', sa.BigInteger(), nullable=False),
    sa.Column('probe_codes', sa.LargeBinary(length=128), nullable=False),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence_items.id'], name=op.f('fk_evidence_frames_evidence_id_evidence_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_frames')),
    sa.UniqueConstraint('evidence_id', 'number', name=op.f('uq_evidence_frames_evidence_id'))
    )
    with op.batch_alter_table('evidence_frames', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_frames_evidence_id'), ['evidence_id'], unique=False)

    op.create_table('evidence_matches',
    sa.Column('left_id', sa.Integer(), nullable=False),
    sa.Column('right_id', sa.Integer(), nullable=False),
    sa.Column('distance', sa.Integer(), nullable=False),
    sa.Column('left_frame', sa.Integer(), nullable=False),
    sa.Column('right_frame', sa.Integer(), nullable=False),
    sa.Column('found_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('left_id < right_id', name=op.f('ck_evidence_matches_ordered_pair')),
    sa.ForeignKeyConstraint(['left_id'], ['evidence_items.id'], name=op.f('fk_evidence_matches_left_id_evidence_items')),
    sa.ForeignKeyConstraint(['right_id'], ['evidence_items.id'], name=op.f('fk_evidence_matches_right_id_evidence_items')),
    sa.PrimaryKeyConstraint('left_id', 'right_id', name=op.f('pk_evidence_matches'))
    )
    with op.batch_alter_table('evidence_matches', schema=None) as batch_op:
        batch_op.create_index('ix_evidence_matches_right', ['right_id'], unique=False)

    with op.batch_alter_table('evidence_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('media_meta', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('analysis_started_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('analysed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('analysis_error', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('matched_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_evidence_items_analysed_at'), ['analysed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_items_matched_at'), ['matched_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('evidence_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_items_matched_at'))
        batch_op.drop_index(batch_op.f('ix_evidence_items_analysed_at'))
        batch_op.drop_column('matched_at')
        batch_op.drop_column('analysis_error')
        batch_op.drop_column('analysed_at')
        batch_op.drop_column('analysis_started_at')
        batch_op.drop_column('media_meta')

    with op.batch_alter_table('evidence_matches', schema=None) as batch_op:
        batch_op.drop_index('ix_evidence_matches_right')

    op.drop_table('evidence_matches')
    with op.batch_alter_table('evidence_frames', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_frames_evidence_id'))

    op.drop_table('evidence_frames')
    op.drop_table('settings')

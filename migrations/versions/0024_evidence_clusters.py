"""evidence clusters

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-30

Clusters of related evidence are kept in the database as matches are found,
rather than worked out over every match on each view. Evidence already on
file is clustered by `portal worker` at its next round, which rebuilds the
clusters whenever they were made for another threshold, or never.
"""

import sqlalchemy as sa
from alembic import op

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('evidence_clusters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('items', sa.Integer(), nullable=False),
    sa.Column('complaints', sa.Integer(), nullable=False),
    sa.Column('closest', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_clusters'))
    )
    with op.batch_alter_table('evidence_clusters', schema=None) as batch_op:
        batch_op.create_index('ix_evidence_clusters_complaints', ['complaints', 'id'], unique=False)
    with op.batch_alter_table('evidence_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cluster_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_evidence_items_cluster_id'), ['cluster_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_evidence_items_cluster_id_evidence_clusters'), 'evidence_clusters', ['cluster_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('evidence_items', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_evidence_items_cluster_id_evidence_clusters'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_evidence_items_cluster_id'))
        batch_op.drop_column('cluster_id')
    with op.batch_alter_table('evidence_clusters', schema=None) as batch_op:
        batch_op.drop_index('ix_evidence_clusters_complaints')
    op.drop_table('evidence_clusters')

"""members' roles and invitations

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30

A member of an organisation is its administrator, a member (files and
takes part in cases) or a viewer (reads only); the administrators of
before become administrators, everyone else a member. Colleagues and
staff join by an invitation whose single-use link lets them choose their
own password.
"""

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

ORG_ROLE = sa.Enum('admin', 'member', 'viewer', name='orgrole', native_enum=False, length=40)


def upgrade() -> None:
    op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.Enum('holder', 'prosecutor', 'supervisor', 'admin', name='role', native_enum=False, length=40), nullable=False),
    sa.Column('org_role', ORG_ROLE, nullable=True),
    sa.Column('invited_by_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_invitations_invited_by_id_users')),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_invitations_org_id_organisations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_invitations_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invitations_token_hash'))
    )
    with op.batch_alter_table('invitations') as batch:
        batch.create_index(batch.f('ix_invitations_email'), ['email'], unique=False)
        batch.create_index(batch.f('ix_invitations_org_id'), ['org_id'], unique=False)
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('org_role', ORG_ROLE, nullable=True))
    op.execute("UPDATE users SET org_role = CASE WHEN is_org_admin THEN 'admin' ELSE 'member' END WHERE org_id IS NOT NULL")
    with op.batch_alter_table('users') as batch:
        batch.drop_column('is_org_admin')


def downgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('is_org_admin', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute("UPDATE users SET is_org_admin = (org_role = 'admin') WHERE org_role IS NOT NULL")
    with op.batch_alter_table('users') as batch:
        batch.drop_column('org_role')
    with op.batch_alter_table('invitations') as batch:
        batch.drop_index(batch.f('ix_invitations_org_id'))
        batch.drop_index(batch.f('ix_invitations_email'))
    op.drop_table('invitations')

"""two-factor sign-in: TOTP and recovery codes

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30

A user may sign in with a TOTP code after the password (the secret sealed
with a key derived from SECRET_KEY; the last step accepted, so that a code
counts once), or with one of ten single-use recovery codes (SHA-256 only).
Staff must; an organisation's administrators can require it of members.
"""

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_recovery_codes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_codes'))
    )
    with op.batch_alter_table('recovery_codes') as batch:
        batch.create_index(batch.f('ix_recovery_codes_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('totp_secret', sa.String(length=200), nullable=True))
        batch.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))
    with op.batch_alter_table('organisations') as batch:
        batch.add_column(sa.Column('require_two_factor', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('organisations') as batch:
        batch.drop_column('require_two_factor')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('totp_last_step')
        batch.drop_column('totp_secret')
    with op.batch_alter_table('recovery_codes') as batch:
        batch.drop_index(batch.f('ix_recovery_codes_user_id'))
    op.drop_table('recovery_codes')

"""single-use links by e-mail, confirmed addresses, the account log

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30

A link sent by e-mail confirms an address (at registration, or a change
of address) or resets a forgotten password; only its SHA-256 is stored.
A user's address is confirmed once they follow such a link; accounts made
before this revision stay unconfirmed until their users ask for a link.
The account log records sign-ins, failed sign-ins and changes to accounts.
Account mails go through the outbox without an event kind.
"""

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('account_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.Enum('signed_in', 'sign_in_failed', 'password_changed', 'password_reset_asked', 'password_reset', 'email_change_asked', 'email_confirmed', name='accounteventkind', native_enum=False, length=40), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('org_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('address', sa.String(length=45), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_account_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_account_events_org_id_organisations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_account_events_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_events'))
    )
    with op.batch_alter_table('account_events') as batch:
        batch.create_index('ix_account_events_org_id_id', ['org_id', 'id'], unique=False)
        batch.create_index('ix_account_events_user_id_id', ['user_id', 'id'], unique=False)
    op.create_table('account_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('purpose', sa.Enum('verify_email', 'reset_password', name='linkpurpose', native_enum=False, length=40), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_account_links_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_account_links_token_hash'))
    )
    with op.batch_alter_table('account_links') as batch:
        batch.create_index(batch.f('ix_account_links_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('outbox') as batch:
        batch.alter_column('kind', existing_type=sa.String(length=40), nullable=True)
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('email_verified_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.drop_column('email_verified_at')
    op.execute("DELETE FROM outbox WHERE kind IS NULL")
    with op.batch_alter_table('outbox') as batch:
        batch.alter_column('kind', existing_type=sa.String(length=40), nullable=False)
    with op.batch_alter_table('account_links') as batch:
        batch.drop_index(batch.f('ix_account_links_user_id'))
    op.drop_table('account_links')
    with op.batch_alter_table('account_events') as batch:
        batch.drop_index('ix_account_events_user_id_id')
        batch.drop_index('ix_account_events_org_id_id')
    op.drop_table('account_events')

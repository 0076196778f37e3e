"""personal access tokens: named, scoped, expiring, revocable

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30

API tokens get a name, scopes (read, file, cases, admin), an expiry and a
revocation. Tokens made before this revision keep working for 90 days from
it, with every scope; at each use the scopes are cut down to what the
user's role allows.
"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('api_tokens') as batch:
        batch.add_column(sa.Column('name', sa.String(length=100), server_default='', nullable=False))
        batch.add_column(sa.Column('scopes', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('revoked_by_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f('fk_api_tokens_revoked_by_id_users'), 'users', ['revoked_by_id'], ['id'])
    tokens = sa.table(
        'api_tokens',
        sa.column('name', sa.String),
        sa.column('scopes', sa.JSON),
        sa.column('expires_at', sa.DateTime(timezone=True)),
    )
    op.execute(
        tokens.update().values(
            name='made before tokens had names',
            scopes=['read', 'file', 'cases', 'admin'],
            expires_at=datetime.now(UTC) + timedelta(days=90),
        )
    )
    with op.batch_alter_table('api_tokens') as batch:
        batch.alter_column('scopes', existing_type=sa.JSON(), nullable=False)
        batch.alter_column('expires_at', existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade() -> None:
    op.execute("DELETE FROM api_tokens WHERE revoked_at IS NOT NULL")
    with op.batch_alter_table('api_tokens') as batch:
        batch.drop_constraint(batch.f('fk_api_tokens_revoked_by_id_users'), type_='foreignkey')
        batch.drop_column('revoked_by_id')
        batch.drop_column('revoked_at')
        batch.drop_column('expires_at')
        batch.drop_column('scopes')
        batch.drop_column('name')

"""agents and powers of attorney

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27

Organisations are rights holders (all existing ones) or agents. Evidence
gets its owning organisation, copied from its complaint, so that a power of
attorney's signed document can be evidence of its principal without a
complaint.
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('powers_of_attorney',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('principal_org_id', sa.Integer(), nullable=False),
    sa.Column('agent_org_id', sa.Integer(), nullable=False),
    sa.Column('scopes', sa.JSON(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('evidence_id', sa.Integer(), nullable=False),
    sa.Column('notarised_by', sa.String(length=300), nullable=False),
    sa.Column('notarised_on', sa.Date(), nullable=True),
    sa.Column('legalisation', sa.String(length=300), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=False),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['agent_org_id'], ['organisations.id'], name=op.f('fk_powers_of_attorney_agent_org_id_organisations')),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence_items.id'], name=op.f('fk_powers_of_attorney_evidence_id_evidence_items')),
    sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'], name=op.f('fk_powers_of_attorney_granted_by_id_users')),
    sa.ForeignKeyConstraint(['principal_org_id'], ['organisations.id'], name=op.f('fk_powers_of_attorney_principal_org_id_organisations')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_powers_of_attorney_revoked_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_powers_of_attorney'))
    )
    with op.batch_alter_table('powers_of_attorney', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_powers_of_attorney_agent_org_id'), ['agent_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_powers_of_attorney_principal_org_id'), ['principal_org_id'], unique=False)

    with op.batch_alter_table('evidence_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('org_id', sa.Integer(), nullable=True))
    op.execute(
        "UPDATE evidence_items SET org_id = "
        "(SELECT complaints.org_id FROM complaints WHERE complaints.id = evidence_items.complaint_id)"
    )
    with op.batch_alter_table('evidence_items', schema=None) as batch_op:
        batch_op.alter_column('org_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('complaint_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_evidence_items_org_id'), ['org_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_evidence_items_org_id_organisations'), 'organisations', ['org_id'], ['id'])

    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.Enum('rights_holder', 'agent', name='orgkind', native_enum=False, length=40), server_default='rights_holder', nullable=False))


def downgrade() -> None:
    documents = op.get_bind().execute(sa.text("SELECT COUNT(*) FROM evidence_items WHERE complaint_id IS NULL"))
    if documents.scalar():
        raise RuntimeError(
            "Powers of attorney are on file as evidence without a complaint; "
            "revision 0005 cannot hold them, and evidence is never deleted."
        )
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('kind')

    with op.batch_alter_table('evidence_items', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_evidence_items_org_id_organisations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_evidence_items_org_id'))
        batch_op.alter_column('complaint_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('org_id')

    with op.batch_alter_table('powers_of_attorney', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_powers_of_attorney_principal_org_id'))
        batch_op.drop_index(batch_op.f('ix_powers_of_attorney_agent_org_id'))

    op.drop_table('powers_of_attorney')

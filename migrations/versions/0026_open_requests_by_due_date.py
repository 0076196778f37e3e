"""open requests and running deadlines by due date

Revision ID: 0026
Revises: 0025
Create Date: 2026-11-30

The supervisor's dashboard lists the most overdue unanswered requests and
the soonest running deadlines: each list is read from an index in its own
order instead of sorting the whole table.
"""

import sqlalchemy as sa
from alembic import op

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_information_requests_open', 'information_requests', ['due_on', 'id'],
                    postgresql_where=sa.text('replied_at IS NULL'), sqlite_where=sa.text('replied_at IS NULL'))
    op.create_index('ix_case_requests_open', 'case_requests', ['due_on', 'id'],
                    postgresql_where=sa.text('answered_at IS NULL'), sqlite_where=sa.text('answered_at IS NULL'))
    op.create_index('ix_served_decisions_due', 'served_decisions', ['due_on', 'id'])


def downgrade() -> None:
    op.drop_index('ix_served_decisions_due', table_name='served_decisions')
    op.drop_index('ix_case_requests_open', table_name='case_requests')
    op.drop_index('ix_information_requests_open', table_name='information_requests')

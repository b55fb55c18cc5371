"""Who attended a multi-agency consultation meeting; when the auditor gave the practitioner
feedback on a return.

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('multi_agency_audit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consultation_attendees', sa.JSON(), nullable=True))
    with op.batch_alter_table('multi_agency_return', schema=None) as batch_op:
        batch_op.add_column(sa.Column('practitioner_feedback_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('multi_agency_return', schema=None) as batch_op:
        batch_op.drop_column('practitioner_feedback_on')
    with op.batch_alter_table('multi_agency_audit', schema=None) as batch_op:
        batch_op.drop_column('consultation_attendees')

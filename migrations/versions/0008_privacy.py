"""privacy: who may read each experience and whether its "about me" is shown, with the
member's defaults for both

Revision ID: 0008_privacy
Revises: 0007_main_exercise
Create Date: 2026-12-03 18:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_privacy'
down_revision = '0007_main_exercise'
branch_labels = None
depends_on = None


def upgrade():
    # The server defaults keep every existing story public with its profile shared.
    with op.batch_alter_table('experiences', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'visibility', sa.String(length=10), server_default='public', nullable=False
        ))
        batch_op.add_column(sa.Column(
            'share_profile', sa.Boolean(), server_default=sa.true(), nullable=False
        ))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'default_visibility', sa.String(length=10), server_default='public', nullable=False
        ))
        batch_op.add_column(sa.Column(
            'default_share_profile', sa.Boolean(), server_default=sa.true(), nullable=False
        ))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('default_share_profile')
        batch_op.drop_column('default_visibility')
    with op.batch_alter_table('experiences', schema=None) as batch_op:
        batch_op.drop_column('share_profile')
        batch_op.drop_column('visibility')

"""page revisions: what a narrow write moves instead of the content version

Revision ID: 0009_page_revisions
Revises: 0008_onset
Create Date: 2026-12-04 14:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_page_revisions'
down_revision = '0008_onset'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('experiences', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'page_revision', sa.BigInteger(), server_default='0', nullable=False
        ))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'page_revision', sa.BigInteger(), server_default='0', nullable=False
        ))
    # The order of stories by "me too" and members' own pages (forum/models/content.py).
    op.execute("INSERT INTO content_version (id, value) VALUES (2, 0), (3, 0)")


def downgrade():
    op.execute("DELETE FROM content_version WHERE id IN (2, 3)")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('page_revision')
    with op.batch_alter_table('experiences', schema=None) as batch_op:
        batch_op.drop_column('page_revision')

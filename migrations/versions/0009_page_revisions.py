"""page revisions: what a narrow write moves instead of the content version (the stories
it changed, the members whose own pages it changed)

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
    op.create_table('story_changes',
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('experience_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint('version', 'experience_id', name=op.f('pk_story_changes'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'page_revision', sa.BigInteger(), server_default='0', nullable=False
        ))
    # The order of stories by "me too", members' own pages and the stories version
    # (forum/models/content.py).
    op.execute("INSERT INTO content_version (id, value) VALUES (2, 0), (3, 0), (4, 0)")


def downgrade():
    op.execute("DELETE FROM content_version WHERE id IN (2, 3, 4)")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('page_revision')
    op.drop_table('story_changes')

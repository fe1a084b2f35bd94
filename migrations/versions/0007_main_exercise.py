"""main exercise: the exercise an experience's outcome is about, stored on the experience

Revision ID: 0007_main_exercise
Revises: 0006_status_check
Create Date: 2026-12-03 15:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_main_exercise'
down_revision = '0006_status_check'
branch_labels = None
depends_on = None

# Covers what insights read of every published experience (forum/insights/queries.py).
ANSWERS_INDEX = [
    'status', 'author_id', 'main_exercise', 'onset', 'condition', 'symptom', 'age_band',
    'published_at', 'intensity', 'outcome', 'flare', 'is_demo', 'id',
]


def upgrade():
    with op.batch_alter_table('experiences', schema=None) as batch_op:
        batch_op.add_column(sa.Column('main_exercise', sa.String(length=20), nullable=True))
    # Every existing experience keeps its exercises: the first one listed becomes the main one.
    op.execute(
        "UPDATE experiences SET main_exercise = ("
        " SELECT ee.exercise FROM experience_exercises ee"
        " WHERE ee.experience_id = experiences.id"
        " ORDER BY ee.position, ee.exercise LIMIT 1)"
    )
    # An experience without exercise rows cannot be made by the forum; 'other' keeps it valid.
    op.execute("UPDATE experiences SET main_exercise = 'other' WHERE main_exercise IS NULL")
    with op.batch_alter_table('experiences', schema=None) as batch_op:
        batch_op.alter_column('main_exercise', existing_type=sa.String(length=20), nullable=False)
        batch_op.create_index('ix_experiences_status_author_answers', ANSWERS_INDEX, unique=False)


def downgrade():
    with op.batch_alter_table('experiences', schema=None) as batch_op:
        batch_op.drop_index('ix_experiences_status_author_answers')
        batch_op.drop_column('main_exercise')

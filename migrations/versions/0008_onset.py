"""onset detail, severity and years ill on members and experiences

Revision ID: 0008_onset
Revises: 0008_notify
Create Date: 2026-12-03 19:00:00.000000

Existing members and experiences keep their onset family with no detail (the new columns
start empty), and no severity or years ill: nothing to copy. Quick answers copy them too.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0008_onset"
down_revision = "0008_notify"
branch_labels = None
depends_on = None

NEW_COLUMNS = ("onset_detail", "severity", "years_ill")
# Covers what insights read of every published experience (forum/insights/queries.py).
OLD_ANSWERS_INDEX = [
    "status",
    "author_id",
    "main_exercise",
    "onset",
    "condition",
    "symptom",
    "age_band",
    "published_at",
    "intensity",
    "outcome",
    "flare",
    "is_demo",
    "id",
]
ANSWERS_INDEX = [*OLD_ANSWERS_INDEX[:-1], *NEW_COLUMNS, "id"]


def upgrade():
    for table in ("users", "experiences", "quick_answers"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in NEW_COLUMNS:
                batch_op.add_column(sa.Column(name, sa.String(length=20), nullable=True))
    with op.batch_alter_table("experiences", schema=None) as batch_op:
        batch_op.drop_index("ix_experiences_status_author_answers")
        batch_op.create_index("ix_experiences_status_author_answers", ANSWERS_INDEX, unique=False)


def downgrade():
    with op.batch_alter_table("experiences", schema=None) as batch_op:
        batch_op.drop_index("ix_experiences_status_author_answers")
        batch_op.create_index(
            "ix_experiences_status_author_answers", OLD_ANSWERS_INDEX, unique=False
        )
    for table in ("quick_answers", "experiences", "users"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in reversed(NEW_COLUMNS):
                batch_op.drop_column(name)

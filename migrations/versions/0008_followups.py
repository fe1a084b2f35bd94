"""follow-ups to stories and quick answers ("I tried this too")

Revision ID: 0008_followups
Revises: 0008_drafts
Create Date: 2026-12-03 18:45:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0008_followups"
down_revision = "0008_drafts"
branch_labels = None
depends_on = None

STATUSES = "'pending', 'published', 'rejected', 'hidden', 'deleted'"


def upgrade():
    op.create_table(
        "follow_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("experience_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("still_doing", sa.Boolean(), nullable=False),
        sa.Column("stop_reason", sa.String(length=20), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("flare", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_reason", sa.String(length=1000), nullable=True),
        sa.Column("flag_count", sa.Integer(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(f"status IN ({STATUSES})", name=op.f("ck_follow_ups_status")),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_follow_ups_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["experience_id"],
            ["experiences.id"],
            name=op.f("fk_follow_ups_experience_id_experiences"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_ups")),
    )
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.create_index("ix_follow_ups_author_id", ["author_id"], unique=False)
        batch_op.create_index(
            "ix_follow_ups_experience_id_created_at", ["experience_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_follow_ups_status_submitted_at", ["status", "submitted_at"], unique=False
        )
    op.create_table(
        "quick_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("exercise", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("flare", sa.String(length=20), nullable=False),
        sa.Column("onset", sa.String(length=20), nullable=True),
        sa.Column("condition", sa.String(length=20), nullable=True),
        sa.Column("symptom", sa.String(length=20), nullable=True),
        sa.Column("age_band", sa.String(length=20), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_quick_answers_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quick_answers")),
        sa.UniqueConstraint("user_id", "exercise", name=op.f("uq_quick_answers_user_id")),
    )
    with op.batch_alter_table("quick_answers", schema=None) as batch_op:
        batch_op.create_index("ix_quick_answers_exercise", ["exercise"], unique=False)


def downgrade():
    with op.batch_alter_table("quick_answers", schema=None) as batch_op:
        batch_op.drop_index("ix_quick_answers_exercise")
    op.drop_table("quick_answers")
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.drop_index("ix_follow_ups_status_submitted_at")
        batch_op.drop_index("ix_follow_ups_experience_id_created_at")
        batch_op.drop_index("ix_follow_ups_author_id")
    op.drop_table("follow_ups")

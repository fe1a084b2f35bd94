"""status check: experiences and replies accept only the workflow's statuses

Revision ID: 0006_status_check
Revises: 0005_content_version
Create Date: 2026-12-03 15:45:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006_status_check'
down_revision = '0005_content_version'
branch_labels = None
depends_on = None

# Written out rather than imported: a migration must keep meaning what it meant when written.
STATUSES = ("pending", "published", "rejected", "hidden", "deleted")
TABLES = ("experiences", "replies")


def _condition() -> str:
    return "status IN (" + ", ".join(f"'{status}'" for status in STATUSES) + ")"


def upgrade():
    # Batch mode: SQLite cannot add a constraint to an existing table, so it copies the table.
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.create_check_constraint(op.f(f"ck_{table}_status"), _condition())


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_status"), type_="check")

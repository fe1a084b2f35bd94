"""drafts and own replies: 'draft' status, unfinished drafts, reply edit history, reply review

Revision ID: 0008_drafts
Revises: 0008_privacy
Create Date: 2026-12-03 19:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_drafts'
down_revision = '0008_privacy'
branch_labels = None
depends_on = None

# Written out rather than imported: a migration must keep meaning what it meant when written.
OLD_STATUSES = ("pending", "published", "rejected", "hidden", "deleted")
NEW_STATUSES = OLD_STATUSES + ("draft",)
TABLES = ("experiences", "replies")
# A draft may be unfinished: what a member writes may be missing until it is submitted.
DRAFT_OPTIONAL = (
    ('title', sa.String(length=150)),
    ('body', sa.Text()),
    ('body_html', sa.Text()),
    ('main_exercise', sa.String(length=20)),
    ('intensity', sa.String(length=20)),
    ('outcome', sa.String(length=20)),
    ('flare', sa.String(length=20)),
)


def _condition(statuses) -> str:
    return "status IN (" + ", ".join(f"'{status}'" for status in statuses) + ")"


def _replace_status_checks(statuses) -> None:
    # Batch mode: SQLite cannot change a constraint in place, so it copies the table.
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_status"), type_="check")
            batch_op.create_check_constraint(op.f(f"ck_{table}_status"), _condition(statuses))


def upgrade():
    op.create_table('reply_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reply_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('editor_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['editor_id'], ['users.id'], name=op.f('fk_reply_revisions_editor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reply_id'], ['replies.id'], name=op.f('fk_reply_revisions_reply_id_replies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reply_revisions')),
    sa.UniqueConstraint('reply_id', 'number', name=op.f('uq_reply_revisions_reply_id'))
    )
    with op.batch_alter_table('replies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('edited_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('deleted_by_author', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('replies', schema=None) as batch_op:
        batch_op.alter_column('deleted_by_author', server_default=None)
    with op.batch_alter_table('experiences', schema=None) as batch_op:
        for name, type_ in DRAFT_OPTIONAL:
            batch_op.alter_column(name, existing_type=type_, nullable=True)
    _replace_status_checks(NEW_STATUSES)


def downgrade():
    # Drafts cannot live under the old rules: they go, as deleted would have.
    op.execute("DELETE FROM experiences WHERE status = 'draft'")
    _replace_status_checks(OLD_STATUSES)
    with op.batch_alter_table('experiences', schema=None) as batch_op:
        for name, type_ in DRAFT_OPTIONAL:
            batch_op.alter_column(name, existing_type=type_, nullable=False)
    with op.batch_alter_table('replies', schema=None) as batch_op:
        batch_op.drop_column('deleted_by_author')
        batch_op.drop_column('edited_at')
    op.drop_table('reply_revisions')

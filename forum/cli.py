"""`flask forum ...`: administration commands, each a thin call into a service."""

from collections.abc import Callable
from contextlib import ExitStack

import click
from flask.cli import AppGroup

from forum import search
from forum.auth import service as auth_service
from forum.demo import service as demo_service
from forum.errors import DomainError
from forum.mail import commands as mail_commands
from forum.moderation import members as moderation_members
from forum.moderation.schemas import RoleSchema
from forum.notifications import commands as notification_commands
from forum.validation import load
from forum.vocabulary import ROLE

forum_cli = AppGroup("forum", help="Movement Notes administration.")


def fail(error: DomainError) -> None:
    """Print a domain error as a one-line message per field and exit non-zero."""
    lines = [error.message]
    lines += [f"  {field}: {' '.join(messages)}" for field, messages in error.fields.items()]
    raise click.ClickException("\n".join(lines))


@forum_cli.command("create-user")
@click.argument("username")
@click.option("--email", required=True, help="The member's e-mail address (kept private).")
@click.option("--role", type=click.Choice(list(ROLE)), default="member", show_default=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user(username: str, email: str, role: str, password: str) -> None:
    """Create an account, for example the first moderator."""
    try:
        user = auth_service.create_user(
            {"username": username, "email": email, "password": password, "role": role}
        )
    except DomainError as error:
        fail(error)
    click.echo(f"Created {user.role} {user.username}.")


# Below this many experiences the load takes a few seconds: no progress bar needed.
PROGRESS_BAR_FROM = 5000


def _index_bar(stack: ExitStack, loading: ExitStack) -> Callable[[int, int], None]:
    """A second progress bar for the index build, replacing the loading bar once it is full."""
    bars = []

    def update(done: int, total: int) -> None:
        if not bars:
            loading.close()
            label = "Search index"
            bars.append(stack.enter_context(click.progressbar(length=total, label=label)))
        bars[0].update(done - bars[0].pos)

    return update


@forum_cli.command("seed-demo")
@click.option("--count", type=click.IntRange(1, 1_000_000), default=2000, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same community.")
@click.option("--if-empty", is_flag=True, help="Do nothing unless the database is empty.")
def seed_demo(count: int, seed: int, if_empty: bool) -> None:
    """Load an invented demo community, marked as such on every page while present."""
    with ExitStack() as stack:
        progress = {}
        if count >= PROGRESS_BAR_FROM:
            loading = stack.enter_context(ExitStack())
            bar = loading.enter_context(click.progressbar(length=count, label="Demo experiences"))
            progress = {"progress": bar.update, "index_progress": _index_bar(stack, loading)}
        try:
            result = demo_service.seed_demo(count, seed, if_empty=if_empty, **progress)
        except DomainError as error:
            fail(error)
    summary = result.summary
    if summary is None:
        click.echo("The database is not empty: demo data not loaded.")
        return
    click.echo(
        f"Loaded {summary.experiences:,} demo experiences ({summary.published:,} published, "
        f"{summary.pending:,} pending, {summary.flagged:,} flagged), {summary.members:,} "
        f"members, {summary.replies:,} replies and {summary.me_too:,} me-too marks in "
        f"{result.load_seconds:.1f} s; search index built in {result.index_seconds:.1f} s."
    )
    click.echo(
        f"Demo moderator: username {result.moderator_username}, "
        f"password {result.moderator_password}"
    )


@forum_cli.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice(list(ROLE)))
def set_role(username: str, role: str) -> None:
    """Make a member a moderator or admin, or a member again (logged as a role change)."""
    try:
        user = moderation_members.set_role(None, username, load(RoleSchema(), {"role": role}))
    except DomainError as error:
        fail(error)
    click.echo(f"{user.username} is now a {user.role}.")


@forum_cli.command("reindex")
def reindex() -> None:
    """Rebuild the search index from the database; search keeps answering meanwhile."""
    with ExitStack() as stack:
        bars = []

        def progress(done: int, total: int) -> None:
            if not bars:
                label = "Indexing published experiences"
                bars.append(stack.enter_context(click.progressbar(length=total, label=label)))
            bars[0].update(done - bars[0].pos)

        count = search.rebuild(progress)
    click.echo(f"Indexed {count:,} published experiences.")


@forum_cli.command("check-index")
@click.option("--dry-run", is_flag=True, help="List the differences without repairing them.")
def check_index(dry_run: bool) -> None:
    """List every difference between the database and the search index, and repair them."""
    report = search.check(repair=not dry_run)
    for ids, what in (
        (report.missing, "published but missing from the index"),
        (report.extra, "in the index but not published"),
        (report.stale, "indexed from an older version"),
        (report.duplicated, "indexed more than once"),
    ):
        if ids:
            click.echo(f"{len(ids)} {what}: {', '.join(map(str, ids))}")
    if not report.differences:
        click.echo("The search index matches the database.")
    elif report.repaired:
        click.echo(f"Repaired {report.differences} differences.")
    else:
        raise click.ClickException(f"{report.differences} differences (not repaired).")


forum_cli.add_command(mail_commands.mail_worker)
forum_cli.add_command(mail_commands.mail_status)
forum_cli.add_command(notification_commands.send_digests)

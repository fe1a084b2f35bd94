"""`flask forum ...`: administration commands, each a thin call into a service."""

import click
from flask.cli import AppGroup

from forum.auth import service as auth_service
from forum.errors import DomainError
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

"""`flask forum create-user`: accounts for administrators, with clean messages for bad input."""

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from forum.extensions import db
from forum.models import User
from tests.factories import TEST_PASSWORD, UserFactory


def create_user(runner, *args, **kwargs):
    return runner.invoke(args=["forum", "create-user", *args], **kwargs)


def stored_users(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [(u.username, u.email, u.role) for u in db.session.scalars(select(User))]


@pytest.mark.parametrize("role", ["member", "moderator", "admin"])
def test_create_user_with_each_role(runner, app, role):
    result = create_user(
        runner, "Maple", "--email", "Maple@Example.org", "--role", role, "--password", TEST_PASSWORD
    )
    assert result.exit_code == 0, result.output
    assert result.output == f"Created {role} Maple.\n"
    assert stored_users(app) == [("Maple", "maple@example.org", role)]


def test_the_role_defaults_to_member(runner, app):
    result = create_user(runner, "maple", "--email", "m@example.org", "--password", TEST_PASSWORD)
    assert result.exit_code == 0
    assert stored_users(app) == [("maple", "m@example.org", "member")]


def test_the_password_is_prompted_for_when_not_given(runner, app):
    result = create_user(
        runner, "maple", "--email", "m@example.org", input=f"{TEST_PASSWORD}\n{TEST_PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert TEST_PASSWORD not in result.output
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.password_hash.startswith("scrypt:")
        assert check_password_hash(user.password_hash, TEST_PASSWORD)


def test_the_created_member_can_sign_in(runner, auth):
    create_user(runner, "maple", "--email", "m@example.org", "--password", TEST_PASSWORD)
    assert auth.login("maple", TEST_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x", "--email", "m@example.org", "--password", TEST_PASSWORD], "username: Use 3 to 30"),
        (["maple", "--email", "nope", "--password", TEST_PASSWORD], "email: Enter a valid e-mail"),
        (["maple", "--email", "m@example.org", "--password", "short"], "password: Use at least"),
    ],
)
def test_invalid_input_gives_a_clean_message_and_a_failing_exit_code(runner, app, args, message):
    result = create_user(runner, *args)
    assert result.exit_code == 1
    assert result.output.startswith("Error: Some fields need attention.\n")
    assert message in result.output
    assert "Traceback" not in result.output
    assert stored_users(app) == []


def test_a_taken_username_is_refused_in_any_case(runner, app):
    with app.app_context():
        UserFactory(username="maple")
    result = create_user(runner, "MAPLE", "--email", "x@example.org", "--password", TEST_PASSWORD)
    assert result.exit_code == 1
    assert "That username is taken." in result.output
    assert "Traceback" not in result.output


def test_an_unknown_role_is_a_usage_error(runner, app):
    result = create_user(
        runner, "maple", "--email", "m@example.org", "--role", "owner", "--password", TEST_PASSWORD
    )
    assert result.exit_code == 2
    assert "Invalid value for '--role'" in result.output
    assert stored_users(app) == []


def test_the_email_is_required(runner, app):
    result = create_user(runner, "maple", "--password", TEST_PASSWORD)
    assert result.exit_code == 2
    assert "Missing option '--email'" in result.output

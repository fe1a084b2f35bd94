"""Verification, password reset and "address in use" mail, received by a real SMTP server and
followed through the app."""

import re

import pytest
from sqlalchemy import event, func, select

from forum.auth import password_reset
from forum.extensions import db
from forum.mail import delivery
from forum.models import MailMessage, User
from tests.factories import TEST_PASSWORD, UserFactory
from tests.smtp import parts

LINK = re.compile(r"http://127\.0\.0\.1:5000(/\S+)")
NEW_PASSWORD = "a brand new password"


def the_link(message) -> str:
    """The path of the one app link in a message, the same in both parts."""
    text, html = parts(message)
    (path,) = set(LINK.findall(text))
    assert f'href="http://127.0.0.1:5000{path}"' in html
    return path


def register(client, username="birch", email="birch@example.org"):
    body = {"username": username, "email": email, "password": TEST_PASSWORD}
    return client.post("/api/v1/auth/register", json=body)


@pytest.fixture
def client(mail_app):
    return mail_app.test_client()


@pytest.fixture
def maple(mail_app):
    with mail_app.app_context():
        user = UserFactory(username="maple", email="maple@example.org")
        return user.id


def user(username) -> User:
    return db.session.scalar(select(User).where(User.username_key == username))


# Verification


def test_registration_mails_a_link_that_verifies_the_address(mail_app, client, smtp_server):
    assert register(client).status_code == 201
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "birch@example.org"
    assert message["Subject"] == "Confirm your e-mail address for Movement Notes"
    assert message["From"] == "Movement Notes <no-reply@localhost>"
    path = the_link(message)
    assert path.startswith("/verify-email/")
    with mail_app.app_context():
        assert user("birch").email_verified_at is None
    page = client.get(path)
    assert page.status_code == 200
    assert "Your e-mail address is confirmed" in page.get_data(as_text=True)
    with mail_app.app_context():
        assert user("birch").email_verified_at is not None
    again = client.get(path)
    assert again.status_code == 410
    assert "already used" in again.get_data(as_text=True)


def test_a_tampered_or_malformed_verification_link_is_a_clear_400(client, smtp_server):
    register(client)
    path = the_link(smtp_server.wait_for(1)[0])
    for bad in (path[:-3] + "xyz", "/verify-email/nonsense", "/verify-email/" + "a." * 300):
        response = client.get(bad)
        assert response.status_code == 400, bad
        assert "This link does not work" in response.get_data(as_text=True)


def test_an_expired_verification_link_is_410(mail_app, client, smtp_server, monkeypatch):
    register(client)
    path = the_link(smtp_server.wait_for(1)[0])
    from forum.auth import account_mail

    monkeypatch.setattr(account_mail, "VERIFY_MAX_AGE", -1)
    response = client.get(path)
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)


def test_resend_through_the_api_and_the_answer_once_verified(mail_app, client, smtp_server):
    register(client)
    smtp_server.wait_for(1)
    token = client.post(
        "/api/v1/auth/tokens", json={"username": "birch", "password": TEST_PASSWORD}
    ).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    response = client.post("/api/v1/me/verify-email", headers=headers)
    assert response.status_code == 202
    assert response.get_json() == {"sent": True, "email_verified": False}
    second = smtp_server.wait_for(2)[1]
    client.get(the_link(second))
    assert client.get("/api/v1/me", headers=headers).get_json()["email_verified"] is True
    response = client.post("/api/v1/me/verify-email", headers=headers)
    assert response.get_json() == {"sent": False, "email_verified": True}
    assert len(smtp_server.messages) == 2


def test_resending_is_rate_limited(tmp_path, smtp_server):
    from tests.conftest import serving

    settings = {
        **smtp_server.settings,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_VERIFY_EMAIL": "2 per hour",
    }
    with serving(tmp_path, **settings) as app:
        client = app.test_client()
        register(client)
        token = client.post(
            "/api/v1/auth/tokens", json={"username": "birch", "password": TEST_PASSWORD}
        ).get_json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        codes = [
            client.post("/api/v1/me/verify-email", headers=headers).status_code for _ in range(3)
        ]
    assert codes == [202, 202, 429]


def test_an_email_change_mails_the_new_address_and_unverifies(mail_app, client, smtp_server, maple):
    with mail_app.app_context():
        db.session.get(User, maple).email_verified_at = db.func.now()
        db.session.commit()
    client.post("/login", data={"username": "maple", "password": TEST_PASSWORD})
    response = client.post("/profile/email", data={"email": "Maple.New@Example.org"})
    assert response.status_code == 302
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "maple.new@example.org"
    with mail_app.app_context():
        assert db.session.get(User, maple).email_verified_at is None
    assert client.get(the_link(message)).status_code == 200


def test_an_old_addresss_link_does_not_verify_a_new_one(mail_app, client, smtp_server):
    register(client)
    old_link = the_link(smtp_server.wait_for(1)[0])
    client.post("/login", data={"username": "birch", "password": TEST_PASSWORD})
    client.post("/profile/email", data={"email": "elsewhere@example.org"})
    smtp_server.wait_for(2)
    assert client.get(old_link).status_code == 410
    with mail_app.app_context():
        assert user("birch").email_verified_at is None


# Password reset


def test_the_sign_in_page_links_to_forgot_password(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/forgot-password"' in page and "Forgot password?" in page


def test_reset_known_and_unknown_addresses_answer_alike(client, smtp_server, maple):
    known = client.post("/api/v1/auth/password-reset", json={"email": "MAPLE@example.org"})
    unknown = client.post("/api/v1/auth/password-reset", json={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 202
    assert known.get_data() == unknown.get_data()
    pages = [
        client.post("/forgot-password", data={"email": email})
        for email in ("maple@example.org", "nobody@example.org")
    ]
    assert pages[0].status_code == pages[1].status_code == 200
    assert pages[0].get_data() == pages[1].get_data()
    messages = smtp_server.wait_for(2)
    assert [m["To"] for m in messages] == ["maple@example.org", "maple@example.org"]


def test_a_reset_request_does_the_same_work_for_known_and_unknown_addresses(
    mail_app, client, maple, monkeypatch
):
    """The timing cannot tell (bench/reset_timing.py measures it): the request runs the same
    statements and hands the same task over; the lookup and the mail come after the answer."""
    tasks = []
    monkeypatch.setattr(delivery, "start_tasks", lambda found, app=None: tasks.extend(found))
    statements = []

    def note(connection, cursor, statement, *args):
        statements.append(statement)

    with mail_app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        work = []
        for email in ("maple@example.org", "nobody@example.org"):
            statements.clear()
            client.post("/api/v1/auth/password-reset", json={"email": email})
            work.append(list(statements))
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert work[0] == work[1]
    assert tasks == [
        (password_reset.send_reset_link, {"email": "maple@example.org"}),
        (password_reset.send_reset_link, {"email": "nobody@example.org"}),
    ]
    with mail_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MailMessage)) == 0
        for task, arguments in tasks:
            delivery.run_task(mail_app, task, arguments)
        assert db.session.scalars(select(MailMessage.to_address)).all() == ["maple@example.org"]


def test_the_reset_link_sets_a_new_password_once_and_signs_out_everything(
    mail_app, client, smtp_server, maple
):
    other_device = mail_app.test_client()
    other_device.post("/login", data={"username": "maple", "password": TEST_PASSWORD})
    token = client.post(
        "/api/v1/auth/tokens", json={"username": "maple", "password": TEST_PASSWORD}
    ).get_json()["token"]
    client.post("/forgot-password", data={"email": "maple@example.org"})
    (message,) = smtp_server.wait_for(1)
    assert message["Subject"] == "Reset your Movement Notes password"
    text, html = parts(message)
    assert "60 minutes" in text and "only once" in text
    path = the_link(message)
    assert path.startswith("/reset-password/")
    form = client.get(path)
    assert form.status_code == 200 and 'name="password"' in form.get_data(as_text=True)
    short = client.post(path, data={"password": "short"})
    assert short.status_code == 422
    done = client.post(path, data={"password": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")
    # Every session and token of the member ended; the new password works, the old does not.
    assert other_device.get("/profile").status_code == 302
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert (
        client.post("/login", data={"username": "maple", "password": TEST_PASSWORD}).status_code
        == 401
    )
    assert (
        client.post("/login", data={"username": "maple", "password": NEW_PASSWORD}).status_code
        == 302
    )
    # The link is spent.
    assert client.get(path).status_code == 410
    assert client.post(path, data={"password": "yet another password"}).status_code == 410
    with mail_app.app_context():
        assert db.session.get(User, maple).email_verified_at is not None


def test_the_api_confirms_a_reset_and_refuses_reuse_and_tampering(client, smtp_server, maple):
    client.post("/api/v1/auth/password-reset", json={"email": "maple@example.org"})
    token = the_link(smtp_server.wait_for(1)[0]).removeprefix("/reset-password/")
    tampered = client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": token[:-2] + "zz", "password": NEW_PASSWORD},
    )
    assert tampered.status_code == 400
    assert tampered.get_json()["error"]["code"] == "invalid_link"
    weak = client.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "password": "x"}
    )
    assert weak.status_code == 422
    assert "password" in weak.get_json()["error"]["fields"]
    ok = client.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
    )
    assert ok.status_code == 200
    reused = client.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "password": "another one here"}
    )
    assert reused.status_code == 410
    assert reused.get_json()["error"]["code"] == "link_expired"
    login = {"username": "maple", "password": NEW_PASSWORD}
    assert client.post("/api/v1/auth/tokens", json=login).status_code == 201


def test_a_reset_link_expires_after_an_hour(client, smtp_server, maple, monkeypatch):
    client.post("/api/v1/auth/password-reset", json={"email": "maple@example.org"})
    path = the_link(smtp_server.wait_for(1)[0])
    from forum.auth import account_mail

    monkeypatch.setattr(account_mail, "RESET_MAX_AGE", -1)
    page = client.get(path)
    assert page.status_code == 410 and "expired" in page.get_data(as_text=True)
    response = client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": path.removeprefix("/reset-password/"), "password": NEW_PASSWORD},
    )
    assert response.status_code == 410


@pytest.mark.parametrize("body", [{}, {"email": "not an address"}, {"email": 3}, []])
def test_bad_reset_requests_are_422_or_400_never_500(client, body):
    assert client.post("/api/v1/auth/password-reset", json=body).status_code in (400, 422)


def test_reset_requests_are_limited_alike_for_known_and_unknown_addresses(tmp_path, smtp_server):
    from tests.conftest import serving

    settings = {
        **smtp_server.settings,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_PASSWORD_RESET_PER_ACCOUNT": "2 per hour",
    }
    with serving(tmp_path, **settings) as app:
        with app.app_context():
            UserFactory(username="maple", email="maple@example.org")
        client = app.test_client()
        for email in ("maple@example.org", "nobody@example.org"):
            codes = [
                client.post("/api/v1/auth/password-reset", json={"email": email}).status_code
                for _ in range(3)
            ]
            assert codes == [202, 202, 429], email
        # Per account: another address is not held back by those.
        other = client.post("/api/v1/auth/password-reset", json={"email": "third@example.org"})
        assert other.status_code == 202
    assert len(smtp_server.wait_for(2)) == 2


# Registration with an address in use


def test_registering_with_an_address_in_use_mails_its_owner(mail_app, client, smtp_server, maple):
    fresh = register(client, "birch", "birch@example.org")
    in_use = register(client, "cedar", "Maple@Example.org")
    assert fresh.status_code == in_use.status_code == 201
    assert set(fresh.get_json()["user"]) == set(in_use.get_json()["user"])
    messages = smtp_server.wait_for(2)
    note = next(m for m in messages if m["To"] == "maple@example.org")
    assert note["Subject"] == "Someone tried to register with your address"
    text, html = parts(note)
    assert "no new account was made" in text
    assert "cedar" not in text  # nothing the stranger typed goes into the mail
    with mail_app.app_context():
        assert user("cedar") is None
        kinds = db.session.scalars(select(MailMessage.kind).order_by(MailMessage.id)).all()
    assert kinds == ["verification", "address_in_use"]


def test_deleting_an_account_cancels_its_unsent_mail(tmp_path):
    from tests.conftest import serving
    from tests.smtp import free_port

    with serving(tmp_path, MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port()) as app:
        client = app.test_client()
        assert register(client).status_code == 201  # the server is down: the link waits
        token = client.post(
            "/api/v1/auth/tokens", json={"username": "birch", "password": TEST_PASSWORD}
        ).get_json()["token"]
        response = client.delete(
            "/api/v1/me",
            headers={"Authorization": f"Bearer {token}"},
            json={"experiences": "delete", "password": TEST_PASSWORD},
        )
        assert response.status_code == 204
        with app.app_context():
            (row,) = db.session.scalars(select(MailMessage)).all()
            assert (row.kind, row.status) == ("verification", "cancelled")
            assert (
                app.test_cli_runner()
                .invoke(args=["forum", "mail-status"])
                .output.startswith("queued: 0")
            )


def test_demo_addresses_get_no_mail(mail_app):
    from forum import mail

    with mail_app.app_context():
        member = UserFactory(email="someone@demo.invalid", is_demo=True)
        assert mail.queue_message(member, kind="password_reset", subject="s", text="t") is None

"""The mail outbox: recorded with its cause, delivered after the commit to a real SMTP server."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from forum import mail
from forum.clock import utcnow
from forum.extensions import db
from forum.mail import outbox
from forum.mail.sending import EmlFileBackend
from forum.models import MailMessage
from tests.conftest import serving
from tests.factories import UserFactory
from tests.smtp import SmtpServer, free_port, parts


def _verified(**fields):
    return UserFactory(email_verified_at=utcnow(), **fields)


def _queue(user, kind="reply", **fields):
    values = {"subject": "A reply", "text": "Someone replied.", **fields}
    return mail.queue_message(user, kind=kind, **values)


def test_a_message_commits_with_its_cause_and_arrives_with_both_parts(mail_app, smtp_server):
    with mail_app.app_context():
        user = _verified(username="maple")
        _queue(
            user,
            html="<p>Someone <b>replied</b>.</p>",
            headers={"List-Unsubscribe": "<https://example.org/u/1>"},
        )
        assert smtp_server.messages == []  # nothing before the commit
        db.session.commit()
        (message,) = smtp_server.wait_for(1)
    assert message["To"] == "maple@example.org"
    assert message["Subject"] == "A reply"
    assert message["List-Unsubscribe"] == "<https://example.org/u/1>"
    text, html = parts(message)
    assert text.strip() == "Someone replied."
    assert "<b>replied</b>" in html
    with mail_app.app_context():
        row = db.session.scalar(select(MailMessage))
        assert (row.status, row.attempts, row.sent_at is not None) == ("sent", 1, True)


def test_a_rolled_back_cause_sends_nothing(mail_app, smtp_server):
    with mail_app.app_context():
        user = _verified()
        _queue(user)
        db.session.rollback()
        db.session.commit()
        assert db.session.scalar(select(func.count(MailMessage.id))) == 0
    assert smtp_server.messages == []


def test_unverified_addresses_get_account_mail_only(mail_app, smtp_server):
    with mail_app.app_context():
        user = UserFactory(username="fern")
        assert _queue(user, kind="reply") is None
        assert _queue(user, kind="password_reset", subject="Reset") is not None
        db.session.commit()
        (message,) = smtp_server.wait_for(1)
    assert message["Subject"] == "Reset"


def test_a_deleted_accounts_unsent_mail_is_cancelled(tmp_path):
    settings = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": free_port()}
    with serving(tmp_path, **settings) as app, app.app_context():
        user = _verified()
        _queue(user)
        db.session.commit()  # the server is down: the message waits
        assert mail.cancel_for_user(user) == 1
        db.session.commit()
        assert db.session.scalar(select(MailMessage.status)) == "cancelled"


def test_smtp_down_requests_succeed_mail_waits_is_retried_and_health_degrades(tmp_path):
    server = SmtpServer()  # not started yet: connection refused
    with serving(tmp_path, **server.settings, MAIL_RETRY_SECONDS=1) as app:
        client = app.test_client()
        with app.app_context():
            user = _verified()
            _queue(user)
            db.session.commit()
            row = db.session.scalar(select(MailMessage))
            assert (row.status, row.attempts) == ("queued", 1)
            assert row.last_error and row.next_attempt_at > utcnow()
        health = client.get("/healthz")
        assert health.status_code == 200
        body = health.get_json()
        assert body["status"] == "degraded"
        assert body["checks"]["mail"]["ok"] is False
        assert body["checks"]["mail"]["queued"] == 1
        server.start()
        try:
            with app.app_context():
                db.session.execute(update(MailMessage).values(next_attempt_at=utcnow()))
                db.session.commit()
                assert mail.deliver_pending() == 1
            server.wait_for(1)
        finally:
            server.stop()
        assert client.get("/healthz").get_json()["status"] == "ok"
        with app.app_context():
            assert db.session.scalar(select(MailMessage.attempts)) == 2


def test_a_message_that_keeps_failing_is_marked_failed_and_listed(tmp_path):
    settings = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": free_port(), "MAIL_MAX_ATTEMPTS": 2}
    with serving(tmp_path, **settings) as app:
        with app.app_context():
            _queue(_verified(username="willow"))
            db.session.commit()
            db.session.execute(update(MailMessage).values(next_attempt_at=utcnow()))
            db.session.commit()
            mail.deliver_pending()
            row = db.session.scalar(select(MailMessage))
            db.session.refresh(row)
            assert (row.status, row.attempts) == ("failed", 2)
        result = app.test_cli_runner().invoke(args=["forum", "mail-status"])
    assert result.exit_code == 0, result.output
    assert "queued: 0" in result.output and "failed: 1" in result.output
    assert "failed #1 reply to willow@example.org after 2 tries" in result.output


def test_two_workers_never_claim_the_same_message(mail_app):
    with mail_app.app_context():
        user = _verified()
        for _ in range(5):
            _queue(user)
        db.session.commit()
        db.session.execute(update(MailMessage).values(status="queued", attempts=0))
        db.session.commit()
        from sqlalchemy.orm import Session

        with Session(db.engine) as first, Session(db.engine) as second:
            _, mine = outbox.claim(first, 3)
            _, theirs = outbox.claim(second, 10)
        assert len(mine) == 3 and len(theirs) == 2 and not set(mine) & set(theirs)


def test_a_killed_workers_claim_runs_out_and_the_message_is_sent(mail_app, smtp_server):
    with mail_app.app_context():
        _queue(_verified())
        db.session.flush()
        # As a worker that claimed it and died: `sending` with a lease that has run out.
        db.session.execute(
            update(MailMessage).values(
                status="sending", claim_token="dead", claimed_until=utcnow() - timedelta(1)
            )
        )
        db.session.commit()
        smtp_server.wait_for(1)
        assert db.session.scalar(select(MailMessage.status)) == "sent"


def test_a_live_claim_is_not_taken(mail_app, smtp_server):
    with mail_app.app_context():
        _queue(_verified())
        db.session.flush()
        db.session.execute(
            update(MailMessage).values(
                status="sending", claim_token="alive", claimed_until=utcnow() + timedelta(1)
            )
        )
        db.session.commit()
        assert mail.deliver_pending() == 0
    assert smtp_server.messages == []


def test_the_embedded_thread_delivers_after_the_commit(tmp_path, smtp_server):
    with serving(tmp_path, **smtp_server.settings, MAIL_DELIVERY="thread") as app:
        with app.app_context():
            _queue(_verified(username="birch"))
            db.session.commit()
        (message,) = smtp_server.wait_for(1)
    assert message["To"] == "birch@example.org"


def test_development_writes_each_message_as_an_eml_file(tmp_path, capsys):
    settings = {"MAIL_BACKEND": EmlFileBackend, "MAIL_DIR": str(tmp_path / "mail")}
    with serving(tmp_path, **settings) as app, app.app_context():
        _queue(_verified(username="rowan"), subject="Hello")
        db.session.commit()
    (path,) = (tmp_path / "mail").glob("*.eml")
    assert b"Subject: Hello" in path.read_bytes()
    assert str(path) in capsys.readouterr().out


@pytest.mark.parametrize("kind", ["verification", "password_reset", "address_in_use"])
def test_account_kinds_are_the_only_ones_for_unverified_addresses(kind):
    assert kind in mail.ACCOUNT_KINDS

"""The RQ path with a real Redis: an in-process SimpleWorker, the documented worker command as a
subprocess, and a worker killed in the middle of a batch (nothing lost, nothing sent twice
except the one message in flight). Set TEST_REDIS_URL to run them."""

import collections
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from forum import mail
from forum.clock import utcnow
from forum.extensions import db
from forum.mail import delivery
from forum.models import MailMessage
from tests.conftest import serving
from tests.factories import UserFactory
from tests.smtp import SmtpServer

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
PROJECT_ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).with_name("flask"))

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not TEST_REDIS_URL, reason="set TEST_REDIS_URL to a Redis to use"),
]


@pytest.fixture
def rq_settings():
    from redis import Redis
    from rq import Queue

    name = f"mail-test-{secrets.token_hex(4)}"
    yield {"REDIS_URL": TEST_REDIS_URL, "MAIL_DELIVERY": "rq", "MAIL_RQ_QUEUE": name}
    connection = Redis.from_url(TEST_REDIS_URL)
    Queue(name, connection=connection).delete(delete_jobs=True)
    connection.close()


def queue_many(count: int) -> None:
    user = UserFactory(username="maple", email_verified_at=utcnow())
    for number in range(count):
        mail.queue_message(user, kind="reply", subject=f"message {number}", text=f"body {number}")
    db.session.commit()


def test_a_commit_enqueues_a_job_and_an_rq_worker_delivers(tmp_path, smtp_server, rq_settings):
    from rq import SimpleWorker

    with serving(tmp_path, **smtp_server.settings, **rq_settings) as app, app.app_context():
        queue_many(3)
        queue = delivery.mail_queue(app)
        assert queue.count == 1, "one job for the batch the commit queued"
        assert smtp_server.messages == [], "nothing is sent in the request"
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
        messages = smtp_server.wait_for(3)
        assert sorted(m["Subject"] for m in messages) == [f"message {n}" for n in range(3)]
        assert db.session.scalar(select(func.count()).where(MailMessage.status == "sent")) == 3


def worker_command(app, smtp: SmtpServer, rq_settings: dict, tmp_path, *extra: str, **env):
    settings = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SECRET_KEY", "FORUM_ENV", "DATABASE_URL")
    }
    settings.update(
        FORUM_ENV="development",
        FORUM_INSTANCE_PATH=str(tmp_path / "worker-instance"),
        SECRET_KEY="test-secret",
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(smtp.port),
        **{key: str(value) for key, value in rq_settings.items()},
        **env,
    )
    return [FLASK, "--app", "app", "forum", "mail-worker", *extra], settings


@pytest.mark.slow
def test_the_documented_worker_command_delivers(tmp_path, smtp_server, rq_settings):
    with serving(tmp_path, **smtp_server.settings, **rq_settings) as app:
        with app.app_context():
            queue_many(5)
        command, env = worker_command(app, smtp_server, rq_settings, tmp_path, "--burst")
        result = subprocess.run(
            command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr
        assert len(smtp_server.wait_for(5)) == 5
        with app.app_context():
            assert db.session.scalar(select(func.count()).where(MailMessage.status == "sent")) == 5
        result = app.test_cli_runner().invoke(args=["forum", "mail-status"])
        assert "queued: 0" in result.output and "sent: 5" in result.output


@pytest.mark.slow
def test_a_worker_killed_mid_batch_loses_nothing(tmp_path, rq_settings):
    """The proof in bench/RESULTS.md ("Mail: kill the worker"); MAIL_KILL_COUNT sets the size."""
    count = int(os.environ.get("MAIL_KILL_COUNT", "60"))
    smtp = SmtpServer(delay=0.02).start()
    lease = {"MAIL_LEASE_SECONDS": "2"}
    try:
        with serving(tmp_path, **smtp.settings, **rq_settings) as app:
            with app.app_context():
                queue_many(count)
            command, env = worker_command(app, smtp, rq_settings, tmp_path, **lease)
            log_path = tmp_path / "worker.log"
            with log_path.open("wb") as log:
                worker = subprocess.Popen(
                    command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
                )
            deadline = time.monotonic() + 60
            while len(smtp.messages) < count // 3 and time.monotonic() < deadline:
                time.sleep(0.01)
            os.kill(worker.pid, signal.SIGKILL)  # mid-batch, no chance to clean up
            worker.wait(timeout=10)
            delivered_before_restart = len(smtp.messages)
            with app.app_context():
                waiting = db.session.scalar(
                    select(func.count()).where(MailMessage.status.in_(("queued", "sending")))
                )
            assert 0 < delivered_before_restart < count, log_path.read_text()
            assert waiting > 0
            time.sleep(2.5)  # the dead worker's lease runs out
            command, env = worker_command(app, smtp, rq_settings, tmp_path, "--burst", **lease)
            started = time.monotonic()
            result = subprocess.run(
                command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
            )
            assert result.returncode == 0, result.stderr
            restart_seconds = time.monotonic() - started
            with app.app_context():
                errors = set(db.session.scalars(select(MailMessage.last_error)))
                statuses = dict(
                    db.session.execute(
                        select(MailMessage.status, func.count()).group_by(MailMessage.status)
                    ).all()
                )
        received = collections.Counter(message["Subject"] for message in smtp.messages)
    finally:
        smtp.stop()
    missing = [n for n in range(count) if received[f"message {n}"] == 0]
    twice = sum(times - 1 for times in received.values() if times > 1)
    print(  # noqa: T201 (the figures bench/RESULTS.md quotes)
        f"\nmail kill test: {count} messages; {delivered_before_restart} delivered before the"
        f" kill; {waiting} waiting after it; after restart ({restart_seconds:.1f}s):"
        f" {len(received)} distinct delivered, {len(missing)} lost, {twice} delivered twice;"
        f" outbox {statuses}"
    )
    assert missing == [], (errors, result.stderr[-3000:])
    assert statuses == {"sent": count}
    # At most the message in flight when the worker died can arrive twice.
    assert twice <= 1


def test_a_mention_is_mailed_at_once_by_an_rq_worker(tmp_path, smtp_server, rq_settings):
    from rq import SimpleWorker

    from forum.notifications.mailing import send_due_mail
    from tests.conftest import AuthActions
    from tests.factories import ExperienceFactory

    with serving(tmp_path, **smtp_server.settings, **rq_settings) as app, app.app_context():
        story = ExperienceFactory(author=UserFactory(username="maple"), title="Walking")
        UserFactory(username="oak", email_verified_at=utcnow())
        UserFactory(username="birch", approvals_toward_trust=10)
        client = app.test_client()
        response = client.post(
            f"/api/v1/experiences/{story.id}/replies",
            json={"body": "@oak it helped me too"},
            headers=AuthActions(client).headers("birch"),
        )
        assert response.status_code == 201
        queue = delivery.mail_queue(app)
        assert queue.count == 1, "one job: the at-once mail of the reply's notifications"
        assert smtp_server.messages == [], "nothing is decided or sent in the request"
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
        (message,) = smtp_server.wait_for(1)
        assert message["To"] == "oak@example.org"
        assert message["Subject"].strip() == "You were mentioned on “Walking”"
        assert send_due_mail() == {"now": 0, "digests": 0}

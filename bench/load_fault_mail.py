"""Mail in bench/load_fault.py: a real SMTP server, the documented mail worker killed with
SIGKILL in the middle of a batch and started again, and the batch it is killed in.

The SMTP server is tests/smtp.py's (aiosmtpd on a free loopback port), answering each message
after SMTP_DELAY_SECONDS so that a batch is still being sent when the kill comes. The worker
is `flask --app app forum mail-worker` (RQ on the run's Redis database) with a short
MAIL_LEASE_SECONDS, so the killed worker's claim runs out during the run. The members verify
their addresses through the links mailed to them and choose e-mail at once for every kind, so
the clients' replies, "me too" and approvals are mailed. The batch is committed through
forum.mail.queue_message in one transaction, by this module run with the server's environment:

    python -m bench.load_fault_mail COUNT
"""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import redis
from rq import Queue

from bench.load_fault_clients import Shared, call
from bench.load_fault_server import FLASK, MEMBER_PREFIX, ROOT, psycopg_url
from forum.mail.delivery import DRAIN_JOB, JOB_TIMEOUT_SECONDS
from forum.models.notification import NOTIFICATION_KINDS
from tests.smtp import SmtpServer

SMTP_DELAY_SECONDS = 0.02
LEASE_SECONDS = 5
POLL_SECONDS = 1
QUEUE = "mail"
BATCH_KIND = "bench_batch"
BATCH_SUBJECT = "Load run batch message"
VERIFY_PATH = re.compile(r"/verify-email/[A-Za-z0-9_.\-]+")
WAITING = ("queued", "sending")
CLAIMED = "SELECT count(*) FROM mail_outbox WHERE status = 'sending'"


def mail_environment(smtp: SmtpServer) -> dict:
    """The settings that send the run's mail to `smtp` through the RQ worker."""
    return {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp.port),
        "MAIL_DELIVERY": "rq",
        "MAIL_RQ_QUEUE": QUEUE,
        "MAIL_LEASE_SECONDS": str(LEASE_SECONDS),
        "MAIL_POLL_SECONDS": str(POLL_SECONDS),
    }


def start_smtp() -> SmtpServer:
    return SmtpServer(delay=SMTP_DELAY_SECONDS).start()


def mail_key(to: str, subject: str, text: str) -> tuple[str, str, str]:
    """What identifies a message on both sides: address, subject and plain text, with the
    whitespace that SMTP transport and header folding may change normalised."""
    lines = "\n".join(line.rstrip() for line in text.strip().splitlines())
    return str(to).strip().lower(), " ".join(str(subject).split()), lines


def received_key(message) -> tuple[str, str, str]:
    return mail_key(message["To"], message["Subject"], message.get_body(("plain",)).get_content())


def outbox(database_url: str) -> list[tuple]:
    """(id, to_address, subject, text, status, kind) of every outbox row, from PostgreSQL."""
    query = "SELECT id, to_address, subject, text, status, kind FROM mail_outbox ORDER BY id"
    with psycopg.connect(psycopg_url(database_url)) as connection:
        return connection.execute(query).fetchall()


class MailWorker:
    """`flask --app app forum mail-worker` in a session of its own, its output in a log file."""

    def __init__(self, env: dict, log_path: Path):
        self.env, self.log_path = env, log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> "MailWorker":
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                [*FLASK, "forum", "mail-worker"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def kill(self) -> int:
        """SIGKILL: no chance to finish the message in hand or give back its claim."""
        pid = self.process.pid
        os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        return pid

    def stop(self) -> None:
        """TERM (RQ finishes the job in hand); KILL to its process group after 30 s."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


class MailFault:
    """The run's mail: the SMTP server, the worker, the kill in the middle of a batch."""

    def __init__(self, smtp: SmtpServer, env: dict, workdir: Path, batch: int):
        self.smtp, self.env, self.batch = smtp, env, batch
        self.database_url, self.redis_url = env["DATABASE_URL"], env["REDIS_URL"]
        self.worker = MailWorker(env, workdir / "mail-worker.log")
        self.kill: dict = {}

    def __enter__(self) -> "MailFault":
        self.worker.start()
        return self

    def __exit__(self, *exc) -> None:
        self.worker.stop()

    def prepare_members(self, port: int, members: list[tuple[str, str]]) -> None:
        """Each member opens the verification link mailed at registration, then chooses
        e-mail at once for every kind (PATCH /api/v1/me)."""
        probe = Shared(port=port, origin=time.monotonic(), moderator_token="")
        addresses = {f"{name}@example.org": token for name, token in members}
        deadline = time.monotonic() + 120
        while not set(addresses) <= {str(m["To"]) for m in self.smtp.messages}:
            if time.monotonic() > deadline:
                raise RuntimeError("the verification links did not all arrive in 120 s")
            time.sleep(0.05)
        for message in self.smtp.messages:
            token = addresses.get(str(message["To"]))
            link = VERIFY_PATH.search(message.get_body(("plain",)).get_content())
            if token is None or link is None:
                continue
            record, _ = call(probe, "setup", f"lf-verify-{message['To']}", "GET", link.group(0))
            if record.status != 200:
                raise RuntimeError(f"verifying {message['To']} answered {record.status}")
            choices = {"mail": dict.fromkeys(NOTIFICATION_KINDS, "now")}
            record, data = call(probe, "setup", f"lf-mail-{message['To']}", "PATCH",
                                "/api/v1/me", token, choices)  # fmt: skip
            if record.status != 200 or not data.get("email_verified"):
                raise RuntimeError(f"mail choices of {message['To']}: {record.status} {data}")

    def batch_received(self) -> int:
        return sum(1 for m in self.smtp.messages if str(m["Subject"]).startswith(BATCH_SUBJECT))

    def kill_mid_batch(self, shared: Shared) -> None:
        """Commit the batch, SIGKILL the worker once a third of it has arrived, start a new
        worker at once (a supervisor's restart); the figures go to `self.kill`."""
        kill = self.kill
        kill["batch_at"] = shared.now()
        subprocess.run([sys.executable, "-m", "bench.load_fault_mail", str(self.batch)],
                       cwd=ROOT, env=self.env, check=True, timeout=120)  # fmt: skip
        kill["batch_committed_at"] = shared.now()
        deadline = time.monotonic() + 120
        while self.batch_received() < self.batch // 3 and time.monotonic() < deadline:
            time.sleep(0.005)
        # Then the moment the worker has just marked one message of its claim sent and is on
        # to the next, others still claimed (not between two claims of MAIL_BATCH_SIZE), and
        # half a message later: most likely inside the SMTP exchange of the next one.
        with psycopg.connect(psycopg_url(self.database_url), autocommit=True) as connection:
            before = 0
            while time.monotonic() < deadline:
                claimed = connection.execute(CLAIMED).fetchone()[0]
                if 2 <= claimed < before:
                    break
                before = claimed
                time.sleep(0.002)
            time.sleep(SMTP_DELAY_SECONDS / 2)
            kill["batch_received_before"] = self.batch_received()
            kill["pid"] = self.worker.kill()
        kill["at"] = shared.now()
        # A message whose DATA was under way is answered by the server within its delay.
        time.sleep(SMTP_DELAY_SECONDS * 5)
        kill["received_before"] = len(self.smtp.messages)
        rows = outbox(self.database_url)
        kill["committed_at_kill"] = len(rows)
        kill["queued_after"] = [row[0] for row in rows if row[4] == "queued"]
        # One worker ran: every row `sending` now is a claim of the killed one, unsent.
        kill["claimed_unsent"] = [row[0] for row in rows if row[4] == "sending"]
        self.worker.start()
        kill["restarted_at"] = shared.now()

    def settle(self, deadline: float) -> bool:
        """Until the outbox has nothing waiting: a drain job after every job already queued
        (one worker runs them in order), so the tasks before it have recorded their mail."""
        queue = Queue(QUEUE, connection=redis.Redis.from_url(self.redis_url))
        while time.monotonic() < deadline:
            job = queue.enqueue(DRAIN_JOB, job_timeout=JOB_TIMEOUT_SECONDS, result_ttl=600)
            while job.get_status(refresh=True) not in ("finished", "failed"):
                if time.monotonic() > deadline:
                    return False
                time.sleep(0.2)
            if not any(row[4] in WAITING for row in outbox(self.database_url)):
                return True
            time.sleep(POLL_SECONDS)
        return False


def queue_batch(count: int) -> int:
    """`count` messages to the run's members, committed at once (one transaction: its commit
    hands one drain job to the worker). Runs with the server's environment."""
    from sqlalchemy import select

    from app import app
    from forum import mail, unit_of_work
    from forum.extensions import db
    from forum.models import User

    with app.app_context():
        members = db.session.scalars(
            select(User).where(User.username.startswith(MEMBER_PREFIX)).order_by(User.id)
        ).all()
        queued = [
            mail.queue_message(
                members[number % len(members)],
                kind=BATCH_KIND,
                subject=f"{BATCH_SUBJECT} {number} of {count}",
                text=f"Message {number} of a batch of {count} committed at once.",
            )
            for number in range(1, count + 1)
        ]
        unit_of_work.commit()
    return sum(row is not None for row in queued)


if __name__ == "__main__":
    wanted = int(sys.argv[1])
    if queue_batch(wanted) != wanted:
        sys.exit(f"fewer than {wanted} messages were queued (unverified members?)")

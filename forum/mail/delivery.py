"""When the outbox is drained: after each commit that queued mail, and on a timer for retries.

MAIL_DELIVERY chooses how (forum/config.py): `rq` enqueues a drain job on the MAIL_RQ_QUEUE
queue for `flask forum mail-worker`; `thread` wakes one background thread per web process
(the embedded default: no extra process); `inline` drains right after the commit in the
committing process (tests). None of them sends inside the request's transaction, and none
lets a mail problem fail the request: whatever is not sent waits in the outbox.
"""

import logging
import threading

from flask import Flask, current_app
from sqlalchemy import event

from forum.extensions import db
from forum.mail import outbox

log = logging.getLogger("forum.mail")

THREAD_KEY = "forum.mail.thread"
DRAIN_JOB = "forum.mail.delivery.drain_job"
_listening = False


def listen_for_commits() -> None:
    """Once per process: a commit that queued mail triggers delivery; a rollback forgets it."""
    global _listening
    if _listening:
        return
    event.listen(db.session, "after_commit", _after_commit)
    event.listen(db.session, "after_rollback", _after_rollback)
    _listening = True


def _after_commit(session) -> None:
    if session.info.pop(outbox.QUEUED_KEY, False):
        kick()


def _after_rollback(session) -> None:
    session.info.pop(outbox.QUEUED_KEY, None)


def kick(app: Flask | None = None) -> None:
    """Start delivering what is due now, the way MAIL_DELIVERY says; never raises."""
    app = app or current_app._get_current_object()
    mode = app.config["MAIL_DELIVERY"]
    try:
        if mode == "inline":
            outbox.deliver_pending()
        elif mode == "thread":
            _thread(app).wake()
        else:
            enqueue_drain(app)
    except Exception:  # noqa: BLE001 (the messages wait in the outbox)
        log.warning("mail: could not start delivery (%s); the outbox keeps it", mode, exc_info=True)


class DeliveryThread(threading.Thread):
    """Drains the outbox when woken after a commit, and every MAIL_POLL_SECONDS for retries."""

    def __init__(self, app: Flask):
        super().__init__(name="mail-delivery", daemon=True)
        self.app = app
        self.wakeup = threading.Event()
        self.stopping = False

    def wake(self) -> None:
        self.wakeup.set()

    def stop(self) -> None:
        self.stopping = True
        self.wakeup.set()

    def run(self) -> None:
        poll = self.app.config["MAIL_POLL_SECONDS"]
        while not self.stopping:
            self.wakeup.wait(timeout=poll)
            self.wakeup.clear()
            if self.stopping:
                break
            try:
                with self.app.app_context():
                    outbox.deliver_pending()
                    db.session.remove()
            except Exception:  # noqa: BLE001 (try again at the next wake-up)
                log.warning("mail: delivery thread failed; retrying later", exc_info=True)


_thread_lock = threading.Lock()


def _thread(app: Flask) -> DeliveryThread:
    with _thread_lock:
        thread = app.extensions.get(THREAD_KEY)
        if thread is None or not thread.is_alive():
            thread = DeliveryThread(app)
            app.extensions[THREAD_KEY] = thread
            thread.start()
        return thread


def start_thread_if_embedded(app: Flask) -> None:
    """For the web process: begin polling for retries left by an earlier run."""
    if app.config["MAIL_DELIVERY"] == "thread":
        _thread(app).wake()


# RQ


def redis_connection(app: Flask):
    from redis import Redis

    return Redis.from_url(app.config["REDIS_URL"])


def mail_queue(app: Flask, connection=None):
    from rq import Queue

    return Queue(app.config["MAIL_RQ_QUEUE"], connection=connection or redis_connection(app))


def enqueue_drain(app: Flask, connection=None):
    """One job that drains the outbox (all the messages one commit queued, and any others)."""
    return mail_queue(app, connection).enqueue(
        DRAIN_JOB, job_timeout=app.config["MAIL_LEASE_SECONDS"], result_ttl=60, failure_ttl=3600
    )


def drain_job() -> int:
    """The RQ job: runs in the worker, inside the app context `forum mail-worker` pushed."""
    try:
        return outbox.deliver_pending()
    finally:
        db.session.remove()

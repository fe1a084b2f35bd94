"""When the outbox is drained: after each commit that queued mail, and on a timer for retries.

MAIL_DELIVERY chooses how (forum/config.py): `rq` enqueues a drain job on the MAIL_RQ_QUEUE
queue for `flask forum mail-worker`; `thread` wakes one background thread per web process
(the embedded default: no extra process); `inline` drains right after the commit in the
committing process (tests). None of them sends inside the request's transaction, and none
lets a mail problem fail the request: whatever is not sent waits in the outbox.

The same way runs tasks a transaction asks for with `after_commit(task, **arguments)`: work
that must follow a commit but has no place in the request (deciding which of a reply's many
readers want e-mail at once). A crash between the commit and the task loses the task, so
a task does only what a sweep also does (notification e-mail: `forum send-digests`) or what
the member can simply ask for again (a password-reset link).
"""

import logging
import queue
import threading
from collections.abc import Callable

from flask import Flask, current_app
from sqlalchemy import event

from forum.extensions import db
from forum.mail import outbox

log = logging.getLogger("forum.mail")

THREAD_KEY = "forum.mail.thread"
TASKS_KEY = "forum.mail.after_commit_tasks"
DRAIN_JOB = "forum.mail.delivery.drain_job"
JOB_TIMEOUT_SECONDS = 3600
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
    tasks = session.info.pop(TASKS_KEY, None)
    if session.info.pop(outbox.QUEUED_KEY, False):
        kick()
    if tasks:
        start_tasks(tasks)


def _after_rollback(session) -> None:
    session.info.pop(outbox.QUEUED_KEY, None)
    session.info.pop(TASKS_KEY, None)


Task = Callable[..., object]


def after_commit(task: Task, **arguments) -> None:
    """Run `task(**arguments)` once the current transaction commits, off the request, the
    way MAIL_DELIVERY says; a rollback forgets it.

    `task` is a module-level function (an RQ worker imports it by name), takes JSON-like
    arguments and runs in an app context of its own, with a session of its own.
    """
    db.session.info.setdefault(TASKS_KEY, []).append((task, arguments))


def start_tasks(tasks: list[tuple[Task, dict]], app: Flask | None = None) -> None:
    """Hand tasks over as MAIL_DELIVERY says; never raises (a task may be lost: see above)."""
    app = app or current_app._get_current_object()
    mode = app.config["MAIL_DELIVERY"]
    for task, arguments in tasks:
        try:
            if mode == "inline":
                run_task(app, task, arguments)
            elif mode == "thread":
                _thread(app).submit(task, arguments)
            else:
                enqueue_task(app, task, arguments)
        except Exception:  # noqa: BLE001 (a task may be lost: see the module's docstring)
            log.warning("mail: task %s did not run (%s)", task.__name__, mode, exc_info=True)


def run_task(app: Flask, task: Task, arguments: dict) -> None:
    """Run a task in a fresh app context: its own session, even inside another's commit."""
    with app.app_context():
        task(**arguments)


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
        self.tasks: queue.SimpleQueue[tuple[Task, dict]] = queue.SimpleQueue()
        self.stopping = False

    def wake(self) -> None:
        self.wakeup.set()

    def submit(self, task: Task, arguments: dict) -> None:
        """Run a task (after_commit) before the next drain."""
        self.tasks.put((task, arguments))
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
            self._run_tasks()
            try:
                with self.app.app_context():
                    outbox.deliver_pending()
                    db.session.remove()
            except Exception:  # noqa: BLE001 (try again at the next wake-up)
                log.warning("mail: delivery thread failed; retrying later", exc_info=True)

    def _run_tasks(self) -> None:
        while not self.tasks.empty():
            task, arguments = self.tasks.get()
            try:
                run_task(self.app, task, arguments)
            except Exception:  # noqa: BLE001 (a task may be lost: see the module's docstring)
                log.warning("mail: task %s failed", task.__name__, exc_info=True)


_thread_lock = threading.Lock()


def _thread(app: Flask) -> DeliveryThread:
    with _thread_lock:
        thread = app.extensions.get(THREAD_KEY)
        if thread is None or not thread.is_alive():
            thread = DeliveryThread(app)
            app.extensions[THREAD_KEY] = thread
            thread.start()
        return thread


def stop_thread(app: Flask, timeout: float = 10) -> None:
    """Stop this app's delivery thread, if it has one, and wait for it (tests, scripts)."""
    thread = app.extensions.get(THREAD_KEY)
    if thread is not None:
        thread.stop()
        thread.join(timeout=timeout)


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
    # The job may drain many batches; each message's own lease, not the job's time, is what
    # lets another worker take over from a dead one.
    return mail_queue(app, connection).enqueue(
        DRAIN_JOB, job_timeout=JOB_TIMEOUT_SECONDS, result_ttl=60, failure_ttl=3600
    )


def enqueue_task(app: Flask, task: Task, arguments: dict, connection=None):
    """One job that runs an after_commit task in a mail worker."""
    return mail_queue(app, connection).enqueue(
        task_job, task, arguments, job_timeout=JOB_TIMEOUT_SECONDS, result_ttl=60, failure_ttl=3600
    )


def task_job(task: Task, arguments: dict) -> None:
    """The RQ job around a task: runs in the worker, inside the app context it pushed."""
    try:
        task(**arguments)
    finally:
        db.session.remove()


def drain_job() -> int:
    """The RQ job: runs in the worker, inside the app context `forum mail-worker` pushed."""
    try:
        return outbox.deliver_pending()
    finally:
        db.session.remove()

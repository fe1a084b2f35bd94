"""gunicorn entry point for bench/load_fault.py: the real app, plus which worker served what.

    gunicorn bench.load_fault_app:application

Wraps `app:app` without changing it: every response gets `X-Served-By: <worker pid>`, and
every request is noted, before the app sees it, in a per-worker ledger file under
$LOAD_FAULT_LEDGER_DIR ("<time> <request id> <method> <path>" per line). A request that dies
with its worker has no response, so only the ledger can say which worker had it in flight.
"""

import os
import time

from app import app as forum_app

LEDGER_DIR = os.environ.get("LOAD_FAULT_LEDGER_DIR", "")
_ledger: dict[int, int] = {}


def _note(environ: dict) -> None:
    if not LEDGER_DIR:
        return
    pid = os.getpid()
    if pid not in _ledger:
        path = os.path.join(LEDGER_DIR, f"{pid}.log")
        _ledger[pid] = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    request_id = environ.get("HTTP_X_REQUEST_ID", "-")
    line = f"{time.time():.6f} {request_id} {environ['REQUEST_METHOD']} {environ['PATH_INFO']}\n"
    # One small O_APPEND write per line: the line is on disk before the app runs, and a
    # SIGKILL cannot leave half of it behind in a buffer.
    os.write(_ledger[pid], line.encode())


def application(environ, start_response):
    """The forum, with the serving worker's pid on every response."""
    _note(environ)
    served_by = str(os.getpid())

    def start_with_pid(status, headers, exc_info=None):
        headers.append(("X-Served-By", served_by))
        return start_response(status, headers, exc_info)

    return forum_app(environ, start_with_pid)

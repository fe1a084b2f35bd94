"""A request id on every request and response, and one log line per request."""

import logging
import re
import sys
import time
import uuid
from urllib.parse import quote

from flask import Flask, g, has_request_context, request

log = logging.getLogger("forum.requests")

# What we accept from a proxy or client as their request id; anything else gets a new one.
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,64}")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s request_id=%(request_id)s %(message)s"


def start_request() -> None:
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if REQUEST_ID_PATTERN.fullmatch(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def finish_request(response):
    """Echo the request id and write the request's one log line."""
    request_id = g.get("request_id") or uuid.uuid4().hex
    response.headers["X-Request-ID"] = request_id
    started = g.get("request_started")
    duration_ms = (time.perf_counter() - started) * 1000 if started else 0.0
    # Quoted, so a path with a line break cannot forge a second log line.
    log.info(
        "method=%s path=%s status=%d duration_ms=%.1f address=%s",
        request.method,
        quote(request.path, safe="/-._~:@+,;="),
        response.status_code,
        duration_ms,
        request.remote_addr or "-",
    )
    return response


class RequestIdFilter(logging.Filter):
    """Give every record the current request's id, so error tracebacks join their request."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = (g.get("request_id") if has_request_context() else None) or "-"
        return True


class StderrHandler(logging.StreamHandler):
    """Writes to sys.stderr as it is when a record comes, not as it was at start-up."""

    def __init__(self):
        logging.Handler.__init__(self)

    @property
    def stream(self):
        return sys.stderr


def log_handler(stream=None) -> logging.Handler:
    """One line per record, each with the request id it belongs to ("-" outside requests)."""
    handler = logging.StreamHandler(stream) if stream else StderrHandler()
    handler.forum_handler = True
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(RequestIdFilter())
    return handler


def configure_logging(app: Flask) -> None:
    """Outside tests: INFO and above from forum.* to stderr (gunicorn's error log), once."""
    logger = logging.getLogger("forum")
    if app.testing or any(getattr(h, "forum_handler", False) for h in logger.handlers):
        return
    logger.addHandler(log_handler())
    logger.setLevel(logging.INFO)


def init_request_log(app: Flask) -> None:
    configure_logging(app)
    # First of all before-request functions, so even a request refused early has its id.
    app.before_request_funcs.setdefault(None, []).insert(0, start_request)
    app.after_request(finish_request)

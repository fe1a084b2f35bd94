"""A request for a host not in TRUSTED_HOSTS: a bare 400, never a page with links to it."""

import logging

from flask import Flask, request
from werkzeug.exceptions import SecurityError

from forum.json_errors import json_error

log = logging.getLogger(__name__)

MESSAGE = "This site does not answer to that host name."


def refuse_untrusted_host(error: SecurityError):
    """No page template: URLs cannot be built for a host Flask refused."""
    log.warning("refused a request for host %r", request.environ.get("HTTP_HOST", ""))
    if request.path == "/api" or request.path.startswith("/api/"):
        return json_error(400, "bad_request", MESSAGE)
    return MESSAGE, 400, {"Content-Type": "text/plain; charset=utf-8"}


def init_trusted_hosts(app: Flask) -> None:
    """Answer refused hosts before the error pages, which build links, are tried."""
    app.register_error_handler(SecurityError, refuse_untrusted_host)

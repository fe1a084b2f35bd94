"""Error pages for people, and the JSON error shape for anything under /api/."""

import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from forum.errors import DomainError
from forum.extensions import db
from forum.json_errors import api_error_response

log = logging.getLogger(__name__)

PAGE_MESSAGES = {
    400: "The request could not be understood.",
    403: "You are not allowed to do that.",
    404: "We could not find that page.",
    405: "That page cannot be used that way.",
    413: "That was more than we can accept in one go.",
    429: "That was a lot of requests in a short time. Please wait a moment and try again.",
}


def _is_api_request() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def _page(status: int, message: str, headers=None):
    template = f"errors/{status}.html" if status in (403, 404, 500) else "errors/generic.html"
    return render_template(template, status=status, message=message), status, headers or {}


def handle_http_error(error: HTTPException):
    if _is_api_request():
        return api_error_response(error)
    if isinstance(error, CSRFError):
        message = (
            "This form has expired or was sent from elsewhere. Nothing was sent: open its page "
            "again for a fresh form."
        )
        return _page(400, message)
    status = error.code or 500
    headers = {"Retry-After": error.retry_after} if getattr(error, "retry_after", None) else None
    return _page(status, PAGE_MESSAGES.get(status, error.description), headers)


def handle_domain_error(error: DomainError):
    if _is_api_request():
        return api_error_response(error)
    return _page(error.status, error.message)


def handle_unexpected_error(error: Exception):
    # Roll back so the error page itself can still read from the database.
    db.session.rollback()
    log.exception("Unhandled error on %s %s", request.method, request.path)
    if _is_api_request():
        return api_error_response(InternalServerError())
    return _page(500, "Something went wrong on our side. It has been logged.")


def register_error_pages(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(Exception, handle_unexpected_error)

"""Abuse limits: the named shared limits that views wear as decorators, and their set-up.

A page and its API twin wear the same decorator (`@rate_limits.post` on `experiences.new` and
on the API's create), so they share one counter. Every rate is a setting (RATELIMIT_* in
forum/config.py) read per request. A limit that counts members sits below the view's sign-in
decorator, so it keys on the caller that decorator authenticated. Counters live in Redis when
REDIS_URL is set, so every gunicorn worker shares them, and in this process's memory otherwise.
"""

import math
import time
from collections.abc import Callable
from datetime import timedelta

from flask import Flask, current_app, g, render_template, request
from flask.wrappers import Response
from flask_limiter import RateLimitExceeded
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from forum.clock import utcnow
from forum.errors import DomainError
from forum.extensions import limiter
from forum.json_errors import api_error_response
from forum.models import User
from forum.permissions import is_trusted

KEY_PREFIX = "movement-notes"


def client_address() -> str:
    """The caller's address (the proxy's view of it when TRUSTED_PROXY_COUNT is set)."""
    return request.remote_addr or "unknown"


def attempted_account() -> str:
    """The account a sign-in names, in any letter case; unknown names count just the same."""
    try:
        source = request.get_json(silent=True) if request.path.startswith("/api/") else request.form
    except (HTTPException, RecursionError):
        # Too large or too deeply nested: the view answers that; the key must not fail.
        source = None
    name = source.get("username") if hasattr(source, "get") else None
    return "account:" + (name.strip().lower()[:100] if isinstance(name, str) else "")


def requested_address() -> str:
    """The e-mail address a password-reset request names, known or not, in any letter case."""
    try:
        source = request.get_json(silent=True) if request.path.startswith("/api/") else request.form
    except (HTTPException, RecursionError):
        source = None
    email = source.get("email") if hasattr(source, "get") else None
    return "email:" + (email.strip().lower()[:254] if isinstance(email, str) else "")


def caller() -> User | None:
    """The member already authenticated for this request: by the API's token decorator
    (forum/api/auth.py) or by Flask-Login's session on pages."""
    if request.path.startswith("/api/"):
        return g.get("api_user")
    return current_user._get_current_object() if current_user.is_authenticated else None


def member_key() -> str:
    """Per account for members; anonymous callers (refused by the view anyway) per address."""
    member = caller()
    return f"member:{member.id}" if member else f"address:{client_address()}"


def is_new_member(member: User | None) -> bool:
    """Not yet trusted, or joined fewer than RATELIMIT_NEW_MEMBER_DAYS ago."""
    if member is None or not is_trusted(member):
        return True
    days = current_app.config["RATELIMIT_NEW_MEMBER_DAYS"]
    return member.created_at > utcnow() - timedelta(days=days)


def setting(name: str) -> Callable[[], str]:
    """The rate in this app's setting, read per request so each app keeps its own."""
    return lambda: current_app.config[name]


def by_standing(new_member: str, established: str) -> Callable[[], str]:
    """The stricter rate for new members, the other for everyone else."""
    return lambda: current_app.config[new_member if is_new_member(caller()) else established]


def succeeded(response: Response) -> bool:
    return response.status_code < 400


def sign_in_failed(response: Response) -> bool:
    return response.status_code == 401


def _shared(scope, rate, key, *, methods=("POST",), counts=None) -> Callable:
    """A decorator counting the view in the shared `scope`; it marks the view `rate_limited`
    (the API document lists a 429 for it)."""
    count = limiter.shared_limit(
        rate, scope=scope, key_func=key, methods=list(methods), deduct_when=counts
    )

    def decorator(view: Callable) -> Callable:
        limited = count(view)
        limited.rate_limited = True
        return limited

    return decorator


sign_in = _shared("sign-in", setting("RATELIMIT_SIGN_IN_PER_ADDRESS"), client_address)
# Only failures count, per named account: guessing slows down fast from any number of
# addresses, while the owner signing in normally is never counted.
sign_in_failures = _shared(
    "sign-in-failures",
    setting("RATELIMIT_SIGN_IN_FAILURES_PER_ACCOUNT"),
    attempted_account,
    counts=sign_in_failed,
)
tokens = _shared("tokens", setting("RATELIMIT_TOKENS_PER_ADDRESS"), client_address)
register = _shared("register", setting("RATELIMIT_REGISTER_PER_ADDRESS"), client_address)
# Posts, replies and flags count once they are accepted: a form sent back with a message to
# fix must not make its author wait.
post = _shared(
    "post", by_standing("RATELIMIT_POST_NEW_MEMBER", "RATELIMIT_POST"), member_key, counts=succeeded
)
reply = _shared(
    "reply",
    by_standing("RATELIMIT_REPLY_NEW_MEMBER", "RATELIMIT_REPLY"),
    member_key,
    counts=succeeded,
)
# Quick answers ("I tried this too"): changes count, whatever their method.
quick_answer = _shared(
    "quick-answer",
    setting("RATELIMIT_QUICK_ANSWER"),
    member_key,
    methods=("POST", "PUT", "DELETE"),
    counts=succeeded,
)
flag = _shared("flag", setting("RATELIMIT_FLAG"), member_key, counts=succeeded)
# Each of these checks a password or gathers everything a member wrote: one counter.
account_change = _shared(
    "account", setting("RATELIMIT_ACCOUNT_CHANGES"), member_key, methods=("POST", "DELETE")
)
account_export = _shared(
    "account", setting("RATELIMIT_ACCOUNT_CHANGES"), member_key, methods=("GET",)
)


# What a form sent back by a limit says; `{wait}` becomes how long, in words.
POSTING_PAUSED = (
    "That was a lot of posting in a short time, so this was not sent yet. Everything you "
    "typed is still here: send it again in {wait}."
)


def keeps_form(render: Callable[[str], str], message: str = POSTING_PAUSED) -> Callable:
    """On a form page, above its limit: a POST that hits the limit gets its page back with
    everything typed (never a password) and `render(message)` saying how long to wait (429),
    not an error page. Wear it below the sign-in decorator, which copies the mark."""

    def decorator(view: Callable) -> Callable:
        view.render_when_limited = render
        view.limited_message = message
        return view

    return decorator


def wait_words(seconds: int) -> str:
    """ "12 seconds", "about 5 minutes", "about 2 hours"."""
    if seconds < 120:
        return f"{seconds} second{'' if seconds == 1 else 's'}"
    if seconds < 7200:
        return f"about {round(seconds / 60)} minutes"
    return f"about {round(seconds / 3600)} hours"


# "Forgot password": per caller address and per address asked about, known or not alike, so
# a 429 says nothing about whether an account uses the address.
password_reset = _shared(
    "password-reset", setting("RATELIMIT_PASSWORD_RESET_PER_ADDRESS"), client_address
)
password_reset_per_account = _shared(
    "password-reset-account", setting("RATELIMIT_PASSWORD_RESET_PER_ACCOUNT"), requested_address
)
verify_email = _shared("verify-email", setting("RATELIMIT_VERIFY_EMAIL"), member_key)


def retry_after_seconds() -> int:
    """Whole seconds until the limit this request hit lets another one through."""
    breached = limiter.current_limit
    if breached is None:
        return 1
    reset_time, _remaining = breached.window
    return max(1, math.ceil(reset_time - time.time()))


def handle_rate_limited(error: RateLimitExceeded):
    """429 with Retry-After: the contract's JSON in the API, a page saying how long on the web."""
    error.retry_after = retry_after_seconds()
    if request.path.startswith("/api/"):
        return api_error_response(error)
    headers = {"Retry-After": str(error.retry_after)}
    view = current_app.view_functions.get(request.endpoint)
    render = getattr(view, "render_when_limited", None)
    if render is not None and request.method == "POST":
        message = view.limited_message.format(wait=wait_words(error.retry_after))
        try:
            return render(message), 429, headers
        except (DomainError, HTTPException):
            # The page the form lives on cannot be shown to this caller (gone, or not
            # theirs to see): the plain page below, the same whatever the item was.
            pass
    page = render_template("errors/429.html", retry_after=error.retry_after)
    return page, 429, headers


def init_rate_limits(app: Flask) -> None:
    """Bind the limiter to this app: its storage, its switch, its key prefix."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"] or "memory://")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", KEY_PREFIX)
    limiter.init_app(app)
    app.register_error_handler(RateLimitExceeded, handle_rate_limited)

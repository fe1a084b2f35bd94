"""Abuse limits: which endpoints are limited, counted per address or per account, how often.

The view modules stay unaware of limits: after the blueprints are registered, `init_limits`
wraps each listed endpoint (its page and its API twin alike) with Flask-Limiter. Every rate
is a setting (RATELIMIT_* in forum/config.py). Counters live in Redis when REDIS_URL is set,
so every gunicorn worker shares them, and in this process's memory otherwise.
"""

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, current_app, g, render_template, request
from flask.wrappers import Response
from flask_limiter import Limiter, RateLimitExceeded
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from forum.api.errors import api_error_response
from forum.auth.service import token_record
from forum.clock import utcnow
from forum.models import User
from forum.permissions import is_trusted

KEY_PREFIX = "movement-notes"
_UNKNOWN = object()


def client_address() -> str:
    """The caller's address (the proxy's view of it when TRUSTED_PROXY_COUNT is set)."""
    return request.remote_addr or "unknown"


def attempted_account() -> str:
    """The account a sign-in names, in any letter case; unknown names count just the same."""
    try:
        if request.path.startswith("/api/"):
            source = request.get_json(force=True, silent=True)
        else:
            source = request.form
    except (HTTPException, RecursionError):
        # Too large or too deeply nested: the view answers that; the key must not fail.
        source = None
    name = source.get("username") if hasattr(source, "get") else None
    return "account:" + (name.strip().lower()[:100] if isinstance(name, str) else "")


def caller() -> User | None:
    """The member behind this request: the bearer token's in the API, the session's on pages."""
    member = g.get("limits_caller", _UNKNOWN)
    if member is _UNKNOWN:
        member = None
        if request.path.startswith("/api/"):
            scheme, _, token = request.headers.get("Authorization", "").partition(" ")
            record = token_record(token.strip()) if scheme.lower() == "bearer" else None
            member = record.user if record else None
        elif current_user.is_authenticated:
            member = current_user._get_current_object()
        g.limits_caller = member
    return member


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


@dataclass(frozen=True)
class Rule:
    """One shared counter: these endpoints, this rate, this key; `counts` picks the responses."""

    scope: str
    endpoints: tuple[str, ...]
    rate: Callable[[], str]
    key: Callable[[], str]
    methods: tuple[str, ...] = ("POST",)
    counts: Callable[[Response], bool] | None = None


RULES = (
    Rule("sign-in", ("auth.login",), setting("RATELIMIT_SIGN_IN_PER_ADDRESS"), client_address),
    # Only failures count, per named account: guessing slows down fast from any number of
    # addresses, while the owner signing in normally is never counted.
    Rule(
        "sign-in-failures",
        ("auth.login", "api_accounts.create_token"),
        setting("RATELIMIT_SIGN_IN_FAILURES_PER_ACCOUNT"),
        attempted_account,
        counts=sign_in_failed,
    ),
    Rule(
        "tokens",
        ("api_accounts.create_token",),
        setting("RATELIMIT_TOKENS_PER_ADDRESS"),
        client_address,
    ),
    Rule(
        "register",
        ("auth.register", "api_accounts.register"),
        setting("RATELIMIT_REGISTER_PER_ADDRESS"),
        client_address,
    ),
    # Posts and replies count once they are accepted: a form sent back with a message to fix
    # must not make its author wait.
    Rule(
        "post",
        ("experiences.new", "api_experiences.create_experience"),
        by_standing("RATELIMIT_POST_NEW_MEMBER", "RATELIMIT_POST"),
        member_key,
        counts=succeeded,
    ),
    Rule(
        "reply",
        ("experiences.reply", "api_experiences.create_reply"),
        by_standing("RATELIMIT_REPLY_NEW_MEMBER", "RATELIMIT_REPLY"),
        member_key,
        counts=succeeded,
    ),
    Rule(
        "flag",
        (
            "flags.flag_experience",
            "flags.flag_reply",
            "api_moderation.flag_experience",
            "api_moderation.flag_reply",
        ),
        setting("RATELIMIT_FLAG"),
        member_key,
        counts=succeeded,
    ),
    # Each of these checks a password or gathers everything a member wrote.
    Rule(
        "account",
        (
            "privacy.password",
            "privacy.delete",
            "api_privacy.change_password",
            "api_privacy.delete_account",
        ),
        setting("RATELIMIT_ACCOUNT_CHANGES"),
        member_key,
        methods=("POST", "DELETE"),
    ),
    Rule(
        "account",
        ("privacy.export", "api_privacy.export"),
        setting("RATELIMIT_ACCOUNT_CHANGES"),
        member_key,
        methods=("GET",),
    ),
)


def retry_after_seconds() -> int:
    """Whole seconds until the limit this request hit lets another one through."""
    limiter: Limiter = current_app.extensions["forum.limiter"]
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
    page = render_template("errors/429.html", retry_after=error.retry_after)
    return page, 429, {"Retry-After": str(error.retry_after)}


def init_limits(app: Flask) -> None:
    """Wrap every endpoint named in RULES; a name that does not exist stops start-up."""
    if not app.config["RATELIMIT_ENABLED"]:
        return
    # One limiter per app: its storage, switches and wrapped views belong to that app alone.
    limiter = Limiter(
        client_address,
        storage_uri=app.config["REDIS_URL"] or "memory://",
        strategy="moving-window",
        key_prefix=app.config.get("RATELIMIT_KEY_PREFIX", KEY_PREFIX),
        # Redis down: count in this worker's memory meanwhile, rather than fail requests.
        in_memory_fallback_enabled=True,
        swallow_errors=True,
    )
    limiter.init_app(app)
    app.extensions["forum.limiter"] = limiter
    for rule in RULES:
        decorate = limiter.shared_limit(
            rule.rate,
            scope=rule.scope,
            key_func=rule.key,
            methods=list(rule.methods),
            deduct_when=rule.counts,
        )
        for endpoint in rule.endpoints:
            if endpoint not in app.view_functions:
                raise RuntimeError(f"forum.limits: no endpoint named {endpoint!r} to limit")
            app.view_functions[endpoint] = decorate(app.view_functions[endpoint])
    app.register_error_handler(RateLimitExceeded, handle_rate_limited)

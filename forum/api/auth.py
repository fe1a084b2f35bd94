"""Bearer-token authentication for the API; the session cookie is never consulted."""

from functools import wraps

from flask import g, request

from forum.auth.service import token_record
from forum.errors import Forbidden, Unauthorized
from forum.models import ApiToken, User
from forum.permissions import is_moderator


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _authenticate() -> None:
    token = _bearer_token()
    record = token_record(token) if token else None
    if token and record is None:
        raise Unauthorized("The token is missing, expired or revoked.")
    g.api_token = record
    g.api_user = record.user if record else None


def api_user() -> User | None:
    """The member behind this request's token, or None for an anonymous caller."""
    return g.get("api_user")


def api_token() -> ApiToken | None:
    return g.get("api_token")


def member_required(view):
    """The caller must send a valid token (g.api_user, which member limits key on)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        _authenticate()
        if g.api_user is None:
            raise Unauthorized("Send a token: Authorization: Bearer <token>.")
        return view(*args, **kwargs)

    wrapper.api_access = "member"
    return wrapper


def member_optional(view):
    """Anyone may call; a valid token shows more (the caller's own pending items)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        _authenticate()
        return view(*args, **kwargs)

    wrapper.api_access = "optional"
    return wrapper


def moderator_required(view):
    """A valid token (else 401) of a moderator or admin (else 403)."""

    @member_required
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not is_moderator(api_user()):
            raise Forbidden("Only moderators can do that.")
        return view(*args, **kwargs)

    wrapper.api_access = "moderator"
    return wrapper

"""Signed one-click unsubscribe links: one member, one kind of e-mail (RFC 8058)."""

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeSerializer

from forum.models import NOTIFICATION_KINDS, User

SALT = "notifications.unsubscribe"
# A token for every kind, and one for the daily digest (it turns off every daily kind).
TOKEN_KINDS = (*NOTIFICATION_KINDS, "digest")


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_token(user: User, kind: str) -> str:
    """A token that turns off `kind` e-mail for `user` and nothing else."""
    return _serializer().dumps({"u": user.id, "k": kind})


def read_token(token: str) -> tuple[int, str] | None:
    """(user id, kind) of a genuine token; None for a tampered, malformed or foreign one."""
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user_id, kind = data.get("u"), data.get("k")
    if not isinstance(user_id, int) or isinstance(user_id, bool) or kind not in TOKEN_KINDS:
        return None
    return user_id, kind


def unsubscribe_url(user: User, kind: str) -> str:
    """The absolute link an e-mail carries (List-Unsubscribe and the footer)."""
    path = url_for("notifications.unsubscribe", token=make_token(user, kind))
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return base.rstrip("/") + path
    return url_for("notifications.unsubscribe", token=make_token(user, kind), _external=True)


def mail_headers(user: User, kind: str) -> dict[str, str]:
    """RFC 8058 headers: a mail client's one-click POST turns this kind off."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(user, kind)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }

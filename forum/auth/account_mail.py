"""Mail about the account itself: verify an address, reset a password, an address in use.

Links are signed with itsdangerous (SECRET_KEY, one salt per purpose) and expire; each is
single use through what it names: a verification link names the address, and is spent once
that address is verified (or changed); a reset link carries a fingerprint of the password
hash and session token, which the reset itself changes, so a used or superseded link no
longer matches. Expired or spent → LinkGone (410); altered or malformed → LinkInvalid (400).
"""

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from forum import mail, unit_of_work
from forum.clock import utcnow
from forum.errors import DomainError
from forum.extensions import db
from forum.models import User

VERIFY_SALT = "forum.verify-email"
RESET_SALT = "forum.password-reset"
VERIFY_MAX_AGE = 7 * 24 * 3600
RESET_MAX_AGE = 3600


class LinkInvalid(DomainError):
    status = 400
    code = "invalid_link"


class LinkGone(DomainError):
    status = 410
    code = "link_expired"


TAMPERED = "This link is not valid. Copy the whole link from the e-mail, or ask for a new one."
EXPIRED = "This link has expired. Ask for a new one."
SPENT = "This link was already used or is no longer valid. Ask for a new one if you need it."


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _link(endpoint: str, **values) -> str:
    """An absolute link for mail, built without a request (workers and the CLI too)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return mail.public_url(path)


def _load(salt: str, token: str, max_age: int):
    if not isinstance(token, str) or not token or len(token) > 1000:
        raise LinkInvalid(TAMPERED)
    try:
        return _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired:
        raise LinkGone(EXPIRED) from None
    except BadSignature:
        raise LinkInvalid(TAMPERED) from None


def _member(payload, key: str = "u") -> User | None:
    if not isinstance(payload, dict) or not isinstance(payload.get(key), int):
        raise LinkInvalid(TAMPERED)
    user = db.session.get(User, payload[key])
    return user if user is not None and user.deleted_at is None else None


def _render(template: str, **context) -> tuple[str, str]:
    """Plain text and HTML (escaped), without the page context: mail is also written from
    the CLI and workers, where there is no request."""
    environment = current_app.jinja_env
    return (
        environment.get_template(f"mail/{template}.txt").render(**context),
        environment.get_template(f"mail/{template}.html").render(**context),
    )


# Verification


def _address_mark(email: str | None) -> str:
    """Names the address in a link without showing it (links end up in logs and histories)."""
    return hashlib.sha256((email or "").encode()).hexdigest()[:24]


def verification_token(user: User) -> str:
    return _serializer(VERIFY_SALT).dumps({"u": user.id, "e": _address_mark(user.email)})


def send_verification(user: User) -> None:
    """Queue the verification link to the member's address (committed by the caller)."""
    link = _link("account_mail.verify_email", token=verification_token(user))
    text, html = _render("verification", user=user, link=link, days=VERIFY_MAX_AGE // 86400)
    mail.queue_message(
        user,
        kind="verification",
        subject="Confirm your e-mail address for Movement Notes",
        text=text,
        html=html,
    )


def resend_verification(user: User) -> bool:
    """Mail a fresh verification link; False (nothing sent) when the address is verified."""
    if user.email_verified_at is not None or not user.email:
        return False
    send_verification(user)
    unit_of_work.commit()
    return True


def verify_email(token: str) -> User:
    """Mark the address the link names as verified; raises LinkInvalid / LinkGone."""
    payload = _load(VERIFY_SALT, token, VERIFY_MAX_AGE)
    user = _member(payload)
    stale = user is None or _address_mark(user.email) != payload.get("e")
    if stale or user.email_verified_at is not None:
        raise LinkGone(SPENT)
    user.email_verified_at = utcnow()
    unit_of_work.commit()
    return user


# Password reset


def _fingerprint(user: User) -> str:
    material = f"{user.id}|{user.password_hash}|{user.session_token}|{user.email}"
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def reset_token(user: User) -> str:
    return _serializer(RESET_SALT).dumps({"u": user.id, "f": _fingerprint(user)})


def reset_message(user: User) -> tuple[str, str, str]:
    """Subject, text and HTML of a reset mail with a fresh link."""
    link = _link("account_mail.reset_password", token=reset_token(user))
    text, html = _render("password_reset", user=user, link=link, minutes=RESET_MAX_AGE // 60)
    return "Reset your Movement Notes password", text, html


def member_for_reset(token: str) -> User:
    """The member a reset link is for, while it is unused and under an hour old."""
    payload = _load(RESET_SALT, token, RESET_MAX_AGE)
    user = _member(payload)
    if user is None or payload.get("f") != _fingerprint(user):
        raise LinkGone(SPENT)
    return user


def active_member_with_address(email: str) -> User | None:
    return db.session.scalar(
        select(User).where(User.email == email.strip().lower(), User.deleted_at.is_(None))
    )


# Registration with an address in use


def queue_address_in_use(owner: User) -> None:
    text, html = _render(
        "address_in_use",
        user=owner,
        reset_link=_link("account_mail.forgot_password"),
        sign_in_link=_link("auth.login"),
    )
    mail.queue_message(
        owner,
        kind="address_in_use",
        subject="Someone tried to register with your address",
        text=text,
        html=html,
    )

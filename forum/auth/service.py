"""Account use cases: register, authenticate, tokens, profile."""

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from forum.auth import account_mail
from forum.auth.schemas import NewUserSchema
from forum.clock import utcnow
from forum.errors import Conflict
from forum.extensions import db
from forum.models import ApiToken, User
from forum.notifications import service as notification_service
from forum.validation import load
from forum.vocabulary import PUBLIC, detail_within

USERNAME_TAKEN = "That username is taken."
EMAIL_TAKEN = "That e-mail address cannot be used for a new account."


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def _dummy_hash() -> str:
    """A real hash to check against when the user is unknown, so both paths cost the same."""
    cached = current_app.extensions.get("forum.dummy_hash")
    if cached is None:
        cached = hash_password(secrets.token_hex(16))
        current_app.extensions["forum.dummy_hash"] = cached
    return cached


def find_user(username: str) -> User | None:
    """The active member with this username, in any letter case."""
    return db.session.scalar(
        select(User).where(User.username_key == username.lower(), User.deleted_at.is_(None))
    )


class EmailInUse(Conflict):
    """The address belongs to an account; registration hides this, the CLI says it."""


def _ensure_available(username: str, email: str) -> None:
    if db.session.scalar(select(func.count()).where(User.username_key == username.lower())):
        raise Conflict(USERNAME_TAKEN, fields={"username": [USERNAME_TAKEN]})
    if db.session.scalar(select(func.count()).where(User.email == email)):
        raise EmailInUse(EMAIL_TAKEN, fields={"email": [EMAIL_TAKEN]})


def _create(username: str, email: str, password: str, role: str = "member") -> User:
    _ensure_available(username, email)
    user = User(
        username=username,
        username_key=username.lower(),
        email=email,
        password_hash=hash_password(password),
        role=role,
    )
    db.session.add(user)
    try:
        db.session.flush()
        # The verification link commits with the account (forum/mail: the outbox).
        account_mail.send_verification(user)
        db.session.commit()
    except IntegrityError:
        # Another request took the name between our check and our commit.
        db.session.rollback()
        _ensure_available(username, email)
        raise
    return user


def register_member(values: dict) -> User:
    """Create a member account from registration input.

    An address already in use creates nothing, yet answers like a new account (an unsaved
    stand-in, after hashing the password just the same), so that registering cannot tell
    anyone whether an address belongs to a member. A taken username still says so.
    """
    try:
        return _create(values["username"], values["email"], values["password"])
    except EmailInUse:
        hash_password(values["password"])  # the cost a new account would have had
        note_registration_with_address_in_use(values["email"])
        return _stand_in_member(values["username"], values["email"])


def note_registration_with_address_in_use(email: str) -> None:
    """Tell the owner of `email` that someone tried to register with it.

    The note goes through the outbox like every mail, so this answers as fast as a new
    account's verification mail does; the person registering never learns of it.
    """
    current_app.logger.info("A registration used an address that is already in use.")
    owner = account_mail.active_member_with_address(email)
    if owner is not None:
        account_mail.queue_address_in_use(owner)
    db.session.commit()


def _stand_in_member(username: str, email: str) -> User:
    """An unsaved member shaped like a new account, with the id the next account would get."""
    next_id = (db.session.scalar(select(func.max(User.id))) or 0) + 1
    return User(
        id=next_id,
        username=username,
        username_key=username.lower(),
        email=email,
        role="member",
        created_at=utcnow(),
        # What a saved account starts with (the column defaults apply only when saved).
        default_visibility=PUBLIC,
        default_share_profile=True,
    )


def is_saved(user: User) -> bool:
    """False for registration's stand-in (an address in use): there is no account to sign in."""
    return inspect(user).persistent


def create_user(data: dict) -> User:
    """Create an account with any role (the CLI for administrators)."""
    values = load(NewUserSchema(), data)
    return _create(values["username"], values["email"], values["password"], values["role"])


def authenticate(username: str, password: str) -> User | None:
    """The member with these credentials, or None; unknown names cost as much as bad passwords."""
    user = find_user(username) if username else None
    if user is None or user.password_hash is None:
        check_password_hash(_dummy_hash(), password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User) -> tuple[str, datetime]:
    """Create an API token; only its hash is stored, so this is the one time it is seen."""
    token = secrets.token_urlsafe(32)
    expires_at = utcnow() + timedelta(days=current_app.config["API_TOKEN_TTL_DAYS"])
    db.session.add(ApiToken(user=user, token_hash=_digest(token), expires_at=expires_at))
    db.session.commit()
    return token, expires_at


def token_record(token: str) -> ApiToken | None:
    """The live token record for a bearer token: not revoked, not expired, owner active."""
    if not token or len(token) > 200:
        return None
    record = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if record is None or record.revoked_at is not None or record.expires_at <= utcnow():
        return None
    if not record.user.is_active:
        return None
    return record


def revoke_token(record: ApiToken) -> None:
    record.revoked_at = utcnow()
    db.session.commit()


def update_profile(user: User, values: dict) -> User:
    """Change the profile fields given (loaded by ProfileSchema, partial); null clears one."""
    values = dict(values)
    settings = {key: values.pop(key) for key in ("mail", "watch_replies") if key in values}
    if settings:
        notification_service.update_settings(user, settings)
    for field, value in values.items():
        setattr(user, field, value)
    user.onset_detail = detail_within(user.onset, user.onset_detail)
    db.session.commit()
    return user


def change_email(user: User, email: str) -> User:
    """A new address, unverified until its owner opens the link mailed to it."""
    if email == user.email:
        return user
    if db.session.scalar(select(func.count()).where(User.email == email)):
        raise EmailInUse(EMAIL_TAKEN, fields={"email": [EMAIL_TAKEN]})
    user.email = email
    user.email_verified_at = None
    account_mail.send_verification(user)
    db.session.commit()
    return user

"""Account use cases: register, authenticate, tokens, profile."""

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from forum.auth.schemas import NewUserSchema
from forum.clock import utcnow
from forum.errors import Conflict
from forum.extensions import db
from forum.models import ApiToken, User
from forum.validation import load

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


def _ensure_available(username: str, email: str) -> None:
    if db.session.scalar(select(func.count()).where(User.username_key == username.lower())):
        raise Conflict(USERNAME_TAKEN, fields={"username": [USERNAME_TAKEN]})
    if db.session.scalar(select(func.count()).where(User.email == email)):
        raise Conflict(EMAIL_TAKEN, fields={"email": [EMAIL_TAKEN]})


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
        db.session.commit()
    except IntegrityError:
        # Another request took the name between our check and our commit.
        db.session.rollback()
        _ensure_available(username, email)
        raise
    return user


def register_member(values: dict) -> User:
    """Create a member account from registration input (loaded by RegistrationSchema)."""
    return _create(values["username"], values["email"], values["password"])


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
    for field, value in values.items():
        setattr(user, field, value)
    db.session.commit()
    return user

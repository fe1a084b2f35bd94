"""Flask-Login wiring: how a browser session finds its member."""

from datetime import timedelta
from functools import cache

from flask import Flask, session
from flask_login import login_user, logout_user
from sqlalchemy import Integer, Select, bindparam, select

from forum import caching
from forum.extensions import db, login_manager
from forum.models import User, with_versions
from forum.models.user import new_session_token


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    # "strong" would sign members out whenever their mobile network changes address.
    login_manager.session_protection = "basic"
    app.config["REMEMBER_COOKIE_DURATION"] = timedelta(
        days=app.config["REMEMBER_COOKIE_DURATION_DAYS"]
    )


@login_manager.user_loader
def load_user(login_id: str) -> User | None:
    """Login ids are "<id>.<session token>"; a rotated token ends every old session."""
    user_id, _, session_token = login_id.partition(".")
    if not user_id.isdigit() or not session_token:
        return None
    found = caching.first_with_versions(_member_by_id(), {"user_id": int(user_id)})
    user = found[0] if found is not None else None
    if user is None or not user.is_active or user.session_token != session_token:
        return None
    return user


@cache
def _member_by_id() -> Select:
    # Built once: each signed-in request runs it, and building it cost more than running it.
    return with_versions(select(User).where(User.id == bindparam("user_id", type_=Integer)))


def sign_in(user: User, *, remember: bool = False) -> None:
    """Start a fresh session for `user`: nothing of the anonymous one (its CSRF token) survives.

    A session cookie or CSRF token someone planted or copied before sign-in is worthless after.
    """
    session.clear()
    login_user(user, remember=remember)


def sign_out(user: User | None) -> None:
    """End the member's browser sessions server-side, then this browser's cookies.

    Rotating the session token kills every copy of every session and remember-me cookie of
    this member, on every device (README, Privacy); API tokens are not browser sessions and
    stay valid until revoked.
    """
    if user is not None and user.is_authenticated:
        user.session_token = new_session_token()
        db.session.commit()
    logout_user()
    session.clear()

"""Flask-Login wiring: how a browser session finds its member."""

from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from forum.extensions import db, login_manager
from forum.models import User


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
    user = db.session.scalar(select(User).where(User.id == int(user_id)))
    if user is None or not user.is_active or user.session_token != session_token:
        return None
    return user

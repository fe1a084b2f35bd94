"""Extension objects, created unbound; the application factory binds them."""

import sqlite3

from flask import current_app, has_app_context
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import Engine, MetaData, event
from sqlalchemy.orm import DeclarativeBase

# Alembic needs stable constraint names to alter or drop them later.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


@event.listens_for(Engine, "connect")
def _sqlite_write_ahead_log(dbapi_connection, connection_record) -> None:
    """SQLite databases (the embedded default) keep a write-ahead log, so a long read (a
    worker's insights warm-up reads for seconds at 100,000 stories) no longer holds every
    writer's commit past its lock timeout ("database is locked", a 500 on posting)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()


_MISSING = object()


def _per_app(name: str) -> property:
    """Limiter state kept in the current app's extensions, outside an app the constructor's."""

    def state(limiter: Limiter) -> dict:
        if has_app_context():
            return current_app.extensions.setdefault("forum.limiter_state", {})
        return limiter.__dict__.setdefault("_defaults", {})

    def read(limiter: Limiter):
        value = state(limiter).get(name, _MISSING)
        return limiter.__dict__["_defaults"].get(name) if value is _MISSING else value

    def write(limiter: Limiter, value) -> None:
        state(limiter)[name] = value

    return property(read, write)


class PerAppLimiter(Limiter):
    """Flask-Limiter keeps its storage and switches on the extension object; this one keeps
    them per app, so apps side by side in one process (a test's, a worker's) count apart and
    each honours its own RATELIMIT_ENABLED, storage and key prefix."""

    enabled = _per_app("enabled")
    initialized = _per_app("initialized")
    _key_prefix = _per_app("_key_prefix")
    _storage = _per_app("_storage")
    _limiter = _per_app("_limiter")
    _storage_dead = _per_app("_storage_dead")
    _fallback_storage = _per_app("_fallback_storage")
    _fallback_limiter = _per_app("_fallback_limiter")

    def init_app(self, app) -> None:
        with app.app_context():
            super().init_app(app)


# The named limits are in forum/rate_limits.py; settings (RATELIMIT_*) are read per request.
limiter = PerAppLimiter(
    get_remote_address,
    strategy="moving-window",
    # Redis down: count in this worker's memory meanwhile, rather than fail requests.
    in_memory_fallback_enabled=True,
    swallow_errors=True,
)

"""Shared fixtures: a fresh app, database and index directory for every test."""

import importlib.util
import os
import secrets
from contextlib import contextmanager

import pytest
from flask import g, request_started
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from forum import create_app
from forum.extensions import db
from forum.mail import delivery
from forum.models.content import FIRST_ROWS, ContentVersion

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
# The browser tests import Playwright at module level; without the e2e extra (a fresh clone's
# `make test`) they are left out instead of failing to import.
collect_ignore_glob = [] if importlib.util.find_spec("playwright") else ["e2e/test_*.py"]
_postgres_schema_ready = False
# The database this run owns on the TEST_DATABASE_URL server (set at session start).
_session_database_url: str | None = None


def create_scratch_database(server_url: str) -> str:
    """Create an empty, uniquely named database on a PostgreSQL server and return its URL.

    Several test runs share one server; each working in its own database keeps their
    TRUNCATEs and schema changes from colliding.
    """
    name = f"test_{os.getpid()}_{secrets.token_hex(4)}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_scratch_database(server_url: str, database_url: str) -> None:
    """Drop a database made by create_scratch_database, closing any connection left open."""
    name = make_url(database_url).database
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def pytest_sessionstart(session):
    global _session_database_url
    if TEST_DATABASE_URL:
        try:
            _session_database_url = create_scratch_database(TEST_DATABASE_URL)
        except OperationalError as error:
            reason = str(error.orig).strip().splitlines()[0]
            raise pytest.UsageError(f"TEST_DATABASE_URL cannot be used: {reason}") from None


def pytest_sessionfinish(session, exitstatus):
    if _session_database_url:
        drop_scratch_database(TEST_DATABASE_URL, _session_database_url)


def _reset_postgres() -> None:
    """Create the schema once per run, then empty every table between tests (much faster)."""
    global _postgres_schema_ready
    if not _postgres_schema_ready:
        db.drop_all()
        db.create_all()
        _postgres_schema_ready = True
        return
    tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
    # Outside the app's session, so that emptying is not itself a write that moves the
    # content version; the versions' rows go back as a new schema has them.
    with db.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        connection.execute(ContentVersion.__table__.insert(), list(FIRST_ROWS))


def make_app(tmp_path, **overrides):
    settings = {
        "FORUM_ENV": "testing",
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": _session_database_url or f"sqlite:///{tmp_path / 'test.db'}",
        "SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
        # The production cost is deliberate; tests only need the same algorithm.
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        # Off even where a test asks for production: a warm-up thread would outlive the test.
        "INSIGHTS_WARM_UP": False,
    }
    settings.update(overrides)
    app = create_app(settings)
    with app.app_context():
        if _session_database_url:
            _reset_postgres()
        else:
            db.create_all()
    _apps_made.append(app)
    return app


# Every app a test makes has its connections closed when the test ends (close_app): a pool
# left to the garbage collector closes nothing, and PostgreSQL's driver then warns, in
# whichever later test the collector happens to run.
_apps_made: list = []


def close_app(app) -> None:
    # A delivery thread still at work would check a connection out of the disposed pool.
    delivery.stop_thread(app)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _close_apps_made():
    yield
    while _apps_made:
        close_app(_apps_made.pop())


@contextmanager
def serving(tmp_path, **overrides):
    """A fresh app (make_app); its database connections are closed afterwards."""
    app = make_app(tmp_path, **overrides)
    try:
        yield app
    finally:
        close_app(app)


@pytest.fixture
def app(tmp_path):
    with serving(tmp_path) as app:
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def ctx(app):
    """An application context, for tests that call services or factories directly.

    Client requests made meanwhile reuse this context and so its `g`; each request starts
    with an empty `g`, or Flask-Login's cached user would outlive a cleared cookie.
    """

    def forget_previous_request(sender, **extra):
        g.__dict__.clear()

    request_started.connect(forget_previous_request, app, weak=False)
    with app.app_context():
        yield app
    request_started.disconnect(forget_previous_request, app)


class AuthActions:
    """Sign in and out through the real pages, and get API tokens through the real API."""

    def __init__(self, client):
        self._client = client

    def login(self, username="maple", password="correct horse battery", remember=False):
        data = {"username": username, "password": password}
        if remember:
            data["remember"] = "on"
        return self._client.post("/login", data=data)

    def logout(self):
        return self._client.post("/logout")

    def token(self, username="maple", password="correct horse battery") -> str:
        response = self._client.post(
            "/api/v1/auth/tokens", json={"username": username, "password": password}
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()["token"]

    def headers(self, username="maple", password="correct horse battery") -> dict:
        return {"Authorization": f"Bearer {self.token(username, password)}"}


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def counting_only(monkeypatch):
    """Insights with threshold-only suppression: for tests of what is counted, on communities
    too small for the lattice protection to show anything (that protection is what
    tests/functional/test_insights_attacker.py checks)."""
    from forum.insights import service as insights_service

    monkeypatch.setattr(insights_service, "complementary", lambda: False)


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free loopback port; `.settings` points an app at it."""
    from tests.smtp import SmtpServer

    server = SmtpServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mail_app(tmp_path, smtp_server):
    """An app whose mail goes to `smtp_server`, delivered right after each commit."""
    with serving(tmp_path, **smtp_server.settings) as app:
        yield app

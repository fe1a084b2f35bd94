"""/healthz, request ids in and out, and one log line per request."""

import io
import logging
import re

import pytest
from sqlalchemy.exc import OperationalError

from forum.extensions import db
from forum.web.observability import log_handler
from tests.conftest import make_app


def test_healthz_reports_a_working_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "checks": {
            "database": {"ok": True},
            "mail": {"ok": True, "queued": 0, "oldest_queued_seconds": 0, "failed": 0},
        },
    }
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_is_503_when_the_database_does_not_answer(app, client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    with app.app_context():
        monkeypatch.setattr(db.session, "execute", refuse)
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "failing"
    assert body["checks"]["database"] == {"ok": False, "error": "the database does not answer"}
    assert "connection refused" not in response.get_data(as_text=True)


def test_a_request_id_is_made_when_none_is_given(client):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and first != second


def test_a_request_id_from_the_proxy_is_kept(client):
    response = client.get("/api/v1/taxonomy", headers={"X-Request-ID": "edge-42.a_b"})
    assert response.headers["X-Request-ID"] == "edge-42.a_b"


@pytest.mark.parametrize("given", ["two words", "x" * 65, "line\\nbreak", "", "naïve"])
def test_an_unusable_request_id_is_replaced(client, given):
    response = client.get("/", headers={"X-Request-ID": given})
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])


@pytest.fixture
def log_output():
    """The production log handler on the forum loggers, writing into a string."""
    stream = io.StringIO()
    handler = log_handler(stream)
    logger = logging.getLogger("forum")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield stream
    logger.removeHandler(handler)
    logger.setLevel(level)


def request_lines(log_output) -> list[str]:
    return [line for line in log_output.getvalue().splitlines() if " forum.requests " in line]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/", 200), ("GET", "/nowhere", 404), ("POST", "/api/v1/auth/tokens", 400)],
)
def test_every_request_writes_exactly_one_line_with_its_id(
    client, log_output, method, path, status
):
    response = client.open(path, method=method, headers={"X-Request-ID": "abc123"})
    assert response.status_code == status
    (line,) = request_lines(log_output)
    assert " INFO forum.requests request_id=abc123 " in line
    assert f"method={method} path={path} status={status} " in line
    assert re.search(r"duration_ms=\d+\.\d address=127\.0\.0\.1$", line)


def test_a_path_cannot_forge_a_second_log_line(client, log_output):
    client.get("/x%0Aforged status=200")
    assert len(request_lines(log_output)) == 1
    assert len(log_output.getvalue().splitlines()) == 1


def test_an_unexpected_error_is_logged_with_the_request_id(app, client, log_output, monkeypatch):
    def explode():
        raise RuntimeError("boom")

    monkeypatch.setitem(app.view_functions, "web.home", explode)
    response = client.get("/", headers={"X-Request-ID": "trace-me"})
    assert response.status_code == 500
    assert response.headers["X-Request-ID"] == "trace-me"
    assert len(request_lines(log_output)) == 1
    assert " ERROR forum.web.errors request_id=trace-me Unhandled error on GET /" in (
        log_output.getvalue()
    )


def test_start_up_outside_tests_adds_one_handler_however_many_apps(tmp_path):
    logger = logging.getLogger("forum")
    before = list(logger.handlers), logger.level
    # Another test's production app may have installed it already in this process.
    logger.handlers[:] = [h for h in before[0] if not getattr(h, "forum_handler", False)]
    apps = []
    try:
        apps = [make_app(tmp_path, FORUM_ENV="production") for _ in range(2)]
        added = [handler for handler in logger.handlers if handler not in before[0]]
        assert len(added) == 1 and logger.level == logging.INFO
    finally:
        logger.handlers[:] = before[0]
        logger.setLevel(before[1])
        for app in apps:
            with app.app_context():
                db.engine.dispose()

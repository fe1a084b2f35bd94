"""`make serve`: gunicorn with WORKERS from the environment, healthy, logging each request once."""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.slow


def test_make_serve_takes_the_worker_count_from_the_environment():
    env = {**os.environ, "WORKERS": "5"}
    result = subprocess.run(
        ["make", "-n", "serve"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
        timeout=30, check=True,
    )  # fmt: skip
    assert "gunicorn --workers 5 " in result.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str, headers: dict):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def wait_until_serving(server: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            get(port, "/healthz", {"X-Request-ID": "waiting"})
            return
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise
            time.sleep(0.2)


def test_gunicorn_serves_healthz_with_request_ids_in_its_log(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("RATELIMIT_", "REDIS_", "DATABASE_", "SECRET_"))
    }
    env.update(
        FORUM_ENV="production",
        SECRET_KEY="s" * 32,
        FORUM_INSTANCE_PATH=str(tmp_path / "instance"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'forum.db'}",
    )
    subprocess.run(
        [str(BIN / "flask"), "--app", "app", "db", "upgrade"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    port = free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}", "app:app"],
            cwd=PROJECT_ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_until_serving(server, port)
            status, headers, body = get(port, "/healthz", {"X-Request-ID": "probe-1"})
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert status == 200
    assert headers["X-Request-ID"] == "probe-1"
    assert b'"database":{"ok":true}' in body.replace(b" ", b"")
    lines = [line for line in log.read_text().splitlines() if "request_id=probe-1" in line]
    assert len(lines) == 1, log.read_text()
    assert " INFO forum.requests request_id=probe-1 method=GET path=/healthz status=200" in lines[0]

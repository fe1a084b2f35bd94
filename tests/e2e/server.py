"""The real app, served by `flask run` on 127.0.0.1 in a subprocess, for the browser tests."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
FLASK = [sys.executable, "-m", "flask", "--app", "app"]
MODERATOR = ("mod_e2e", "moderator password 1")
# The app's settings for these runs. Insights shows an exercise from 3 reports (the smallest
# the app allows) so that a journey needs 3 published experiences, not 5, to see one counted.
SETTINGS = {
    "FORUM_ENV": "development",
    "SECRET_KEY": "e2e-secret-key",
    "INSIGHTS_MIN_REPORTS": "3",
    # The journey's community is a handful of stories: with the lattice protection on, its
    # few cells would all be hidden (tests/functional/test_insights_attacker.py checks it).
    "INSIGHTS_LATTICE_PROTECTION": "0",
    # Same algorithm as production at a low cost: registering and signing in stay fast.
    "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
    "RATELIMIT_ENABLED": "false",
}
START_TIMEOUT_SECONDS = 20


def free_port() -> int:
    """A port nobody listens on right now (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LiveServer:
    """One app process on a fresh database and index directory under `workdir`."""

    def __init__(self, workdir: Path, database_url: str | None = None):
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            **SETTINGS,
            "FORUM_INSTANCE_PATH": str(workdir),
            "DATABASE_URL": database_url or f"sqlite:///{workdir / 'forum.db'}",
            "SEARCH_INDEX_DIR": str(workdir / "search-index"),
        }
        self.log_path = workdir / "server.log"
        self.process: subprocess.Popen | None = None

    def flask(self, *args: str) -> str:
        """Run a `flask --app app ...` command against this server's database; return stdout."""
        result = subprocess.run(
            [*FLASK, *args],
            cwd=PROJECT_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
        return result.stdout

    def start(self) -> None:
        """Migrate, create the moderator, serve, and wait until the home page answers."""
        self.flask("db", "upgrade")
        username, password = MODERATOR
        self.flask(
            "forum", "create-user", username, "--email", "mod@e2e.example",
            "--role", "moderator", "--password", password,
        )  # fmt: skip
        with self.log_path.open("w") as log:  # the child keeps its own copy of the handle
            self.process = subprocess.Popen(
                [*FLASK, "run", "--host", "127.0.0.1", "--port", str(self.port), "--no-reload"],
                cwd=PROJECT_ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the app exited at start-up:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=2):  # noqa: S310
                    return
            except urllib.error.HTTPError:
                return  # it answers; what it answers is for the tests to judge
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        raise RuntimeError(f"the app did not answer within {START_TIMEOUT_SECONDS}s:\n{self.log()}")

    def log(self) -> str:
        """What the server printed so far (tracebacks show up here)."""
        return self.log_path.read_text() if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

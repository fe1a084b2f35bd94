"""What bench/load_fault.py runs against: a scratch PostgreSQL database, a flushed Redis
database, gunicorn with its workers found by pid, and the members with their API tokens."""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import gunicorn
import psycopg
import redis

from bench.load_fault_clients import HOST, Shared, call

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
FLASK = [str(BIN / "flask"), "--app", "app"]
MEMBERS = 16
PASSWORD = secrets.token_urlsafe(16)
MODERATOR = "lf_moderator"
MEMBER_PREFIX = "lf_member_"


def psycopg_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@contextmanager
def scratch_database(server_url: str):
    """A new database loadfault_<pid> on the server; dropped on the way out, whatever happened."""
    name = f"loadfault_{os.getpid()}"
    admin = psycopg_url(server_url.rstrip("/")) + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")
    try:
        yield f"{server_url.rstrip('/')}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def run_flask(env: dict, *arguments: str, timeout: float = 300, check: bool = True) -> str:
    """The command's output; a failure raises, or with check=False ends the output."""
    result = subprocess.run([*FLASK, *arguments], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=timeout)  # fmt: skip
    if not check:
        return (result.stdout + result.stderr).strip()
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(arguments[:2])} failed:\n{result.stderr[-2000:]}")
    return result.stdout


class Server:
    """gunicorn serving bench/load_fault_app.py on a free loopback port, in its own session."""

    def __init__(self, env: dict, workers: int, workdir: Path, redis_url: str):
        self.env, self.workers_wanted, self.workdir = env, workers, workdir
        self.redis_url = redis_url
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log_path = workdir / "gunicorn.log"

    def __enter__(self) -> "Server":
        redis.Redis.from_url(self.redis_url).flushdb()
        run_flask(self.env, "db", "upgrade")
        command = [
            str(BIN / "gunicorn"), "--workers", str(self.workers_wanted),
            "--bind", f"{HOST}:{self.port}", "--chdir", str(ROOT),
            "bench.load_fault_app:application",
        ]  # fmt: skip
        if gunicorn.version_info >= (27,):
            # Else every gunicorn on the machine shares one control socket in ~/.gunicorn.
            command.insert(1, "--no-control-socket")
        with self.log_path.open("w") as log:
            # Its own session: the process group is the master's pid, for the cleanup below.
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_ready(deadline=time.monotonic() + 180)
        return self

    def _wait_ready(self, deadline: float) -> None:
        probe = Shared(port=self.port, origin=time.monotonic(), moderator_token="")
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log_tail()}")
            record, _ = call(probe, "ready", "lf-ready", "GET", "/healthz")
            if record.status == 200 and len(self.workers()) == self.workers_wanted:
                return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn was not ready in time:\n{self.log_tail()}")

    def log_tail(self, characters: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-characters:]

    def workers(self) -> list[int]:
        """Pids of the master's children now (its workers), from /proc."""
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid and fields[0] != "Z":
                children.append(int(stat.parent.name))
        return sorted(children)

    def __exit__(self, *exc) -> None:
        """TERM to the master (it stops its workers); KILL to its process group after 40 s."""
        try:
            if self.process is not None and self.process.poll() is None:
                self.process.send_signal(signal.SIGTERM)
                try:
                    self.process.wait(timeout=40)
                except subprocess.TimeoutExpired:
                    os.killpg(self.process.pid, signal.SIGKILL)
                    self.process.wait(timeout=10)
        finally:
            redis.Redis.from_url(self.redis_url).flushdb()


def _token(server: Server, username: str) -> str:
    probe = Shared(port=server.port, origin=time.monotonic(), moderator_token="")
    body = {"username": username, "password": PASSWORD}
    record, data = call(probe, "setup", f"lf-token-{username}", "POST", "/api/v1/auth/tokens",
                        body=body)  # fmt: skip
    if record.status != 201:
        raise RuntimeError(f"no token for {username}: {record.status} {json.dumps(data)}")
    return data["token"]


def _register(server: Server, username: str) -> str:
    probe = Shared(port=server.port, origin=time.monotonic(), moderator_token="")
    body = {"username": username, "email": f"{username}@example.org", "password": PASSWORD}
    record, data = call(probe, "setup", f"lf-register-{username}", "POST",
                        "/api/v1/auth/register", body=body)  # fmt: skip
    if record.status != 201:
        raise RuntimeError(f"could not register {username}: {record.status} {json.dumps(data)}")
    return _token(server, username)


def setup_members(server: Server, env: dict) -> dict:
    """The moderator (CLI) and the members (API), each with an API token: {"moderator": token,
    "members": [(name, token), ...]}."""
    run_flask(env, "forum", "create-user", MODERATOR, "--email", "mod@example.org",
              "--role", "moderator", "--password", PASSWORD)  # fmt: skip
    with ThreadPoolExecutor(max_workers=4) as pool:
        names = [f"{MEMBER_PREFIX}{number:02d}" for number in range(MEMBERS)]
        tokens = list(pool.map(lambda name: _register(server, name), names))
    members = list(zip(names, tokens, strict=True))
    return {"moderator": _token(server, MODERATOR), "members": members}

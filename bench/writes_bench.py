"""Visitors' pages while members write: throughput read-only, and beside a steady write rate.

    .venv/bin/python bench/writes_bench.py --database-url sqlite:////tmp/b/forum.db \
        --index-dir /tmp/b/search-index --json /tmp/b/writes.json

Kept pages retire by what a write changed (forum/models/changes.py). This measures what that
buys: each visitor page of bench/pages_bench.py (home, list, detail, search, insights) under
gunicorn and wrk, with pages kept, four ways:

- read-only: nobody writes;
- replies and "me too": a writer sends --rate writes a second through the JSON API, by turns
  a published reply and a "me too" mark (or its taking back) on random published stories;
- the same, retiring everything: after each write the writer also moves the content version,
  as every write did before pages retired by what changed (the figure this change replaces);
- with posting: one write in three is instead a trusted member's story, published at once
  (a new story changes every list and search, so it still retires every kept page).

The writes are real, so the data is copied first (and thrown away after). Rate limits are off
in the served app: one writer stands for many members.
"""

import argparse
import itertools
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages_bench import measure_ceiling, pages, run_wrk, warm_forum  # noqa: E402

WRITERS = 40
MOVE_THE_CONTENT_VERSION = "UPDATE content_version SET value = value + 1 WHERE id = 1"
SECRET_KEY = "bench-only-secret"  # noqa: S105 - a scratch copy's sessions and nothing else
MIXES = ("read-only", "replies and me too", "same, retiring everything", "with posting")


def copy_data(database_url: str, index_dir: str, into: Path) -> tuple[str, str]:
    """A copy of the SQLite database (with its log) and the index, brought up to date."""
    source = Path(database_url.removeprefix("sqlite:///"))
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copy(f"{source}{suffix}", into / f"forum.db{suffix}")
    # The `current` link stays a link: a copied directory is no index to the app.
    shutil.copytree(index_dir, into / "search-index", symlinks=True)
    url = f"sqlite:///{into / 'forum.db'}"
    env = {**os.environ, "DATABASE_URL": url, "SEARCH_INDEX_DIR": str(into / "search-index")}
    flask = [str(Path(sys.executable).parent / "flask"), "--app", "app", "db", "upgrade"]
    subprocess.run(flask, cwd=ROOT, env=env, check=True, capture_output=True)
    return url, str(into / "search-index")


def writers_and_stories(database_url: str, index_dir: str, secret_key: str):
    """API tokens of trusted demo members, and the published public stories."""
    from sqlalchemy import func, select

    from forum import create_app, permissions
    from forum.auth.service import issue_token
    from forum.extensions import db
    from forum.models import Experience, Status, User

    settings = {"SQLALCHEMY_DATABASE_URI": database_url, "SEARCH_INDEX_DIR": index_dir}
    app = create_app({**settings, "SECRET_KEY": secret_key, "FORUM_ENV": "production"})
    with app.app_context():
        # Members who post most, made trusted in the copy: their stories and replies publish
        # at once, as a busy forum's regulars' do.
        writers = db.session.scalars(
            select(User)
            .join(Experience, Experience.author_id == User.id)
            .where(User.role == "member")
            .group_by(User.id)
            .order_by(func.count(Experience.id).desc(), User.id)
            .limit(WRITERS)
        ).all()
        for member in writers:
            member.approvals_toward_trust = app.config["TRUST_THRESHOLD"]
        db.session.commit()
        assert all(permissions.is_trusted(member) for member in writers)
        tokens = [(member.id, issue_token(member)[0]) for member in writers]
        ids = db.session.execute(
            select(Experience.id, Experience.author_id).where(
                Experience.status == Status.PUBLISHED, Experience.visibility == "public"
            )
        ).all()
        db.session.remove()
        db.engine.dispose()
    return tokens, [tuple(row) for row in ids]


class Writer(threading.Thread):
    """Writes at `rate` a second until stopped; counts what it wrote and what failed."""

    def __init__(self, base, mix, rate, tokens, stories, database_url, seed=11):
        super().__init__(daemon=True)
        self.base, self.mix, self.rate = base, mix, rate
        self.tokens, self.stories = tokens, stories
        self.rng = random.Random(seed)
        self.marked: set[tuple[int, int]] = set()
        self.done, self.failed, self.kinds = 0, 0, {}
        self.stopping = threading.Event()
        self.database_url = database_url
        self._numbers = itertools.count(1)

    def run(self) -> None:
        retire_all = self._version_mover() if self.mix == "same, retiring everything" else None
        started = time.monotonic()
        for number in itertools.count():
            if self.stopping.is_set():
                break
            kind = self._kind(number)
            ok = self._write(kind)
            if ok and retire_all:
                retire_all()
            self.done += ok
            self.failed += not ok
            self.kinds[kind] = self.kinds.get(kind, 0) + 1
            wait = started + (number + 1) / self.rate - time.monotonic()
            if wait > 0:
                self.stopping.wait(wait)

    def _kind(self, number: int) -> str:
        if self.mix == "with posting" and number % 3 == 2:
            return "post"
        return ("reply", "me too")[number % 2]

    def _write(self, kind: str) -> bool:
        member, token = self.rng.choice(self.tokens)
        story, author = self.rng.choice(self.stories)
        while author == member:
            story, author = self.rng.choice(self.stories)
        if kind == "post":
            word = f"writesbench{next(self._numbers)}"
            body = {
                "title": f"Short walks and rest, {word}",
                "body": "Ten minutes of walking, then rest. Less flare than before.",
                "exercises": ["walking"],
                "intensity": "gentle",
                "outcome": "helped",
                "flare": "none",
            }
            return self._call("POST", "/api/v1/experiences", token, body, 201)
        if kind == "reply":
            body = {"body": "Same here: short sessions, then rest."}
            return self._call("POST", f"/api/v1/experiences/{story}/replies", token, body, 201)
        mark = (member, story)
        method = "DELETE" if mark in self.marked else "POST"
        ok = self._call(method, f"/api/v1/experiences/{story}/me-too", token, None, 200)
        if ok:
            self.marked ^= {mark}
        return ok

    def _call(self, method, path, token, body, expected) -> bool:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        request = urllib.request.Request(self.base + path, data, headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status == expected
        except urllib.error.HTTPError as error:
            print(f"write {method} {path}: {error.code} {error.read()[:200]!r}", flush=True)
            return False

    def _version_mover(self):
        from sqlalchemy import create_engine, text

        engine = create_engine(self.database_url)

        def move() -> None:
            with engine.begin() as connection:
                connection.execute(
                    text("UPDATE content_version SET value = value + 1 WHERE id = 1")
                )

        return move


def measure(args) -> list[dict]:
    port, base = args.port, f"http://127.0.0.1:{args.port}"
    wrk_args = (args.seconds, args.connections, args.threads)
    ceiling = measure_ceiling(args)
    rows = [{"path": "hello (bare Flask)", **ceiling, "share": 1.0}]
    with tempfile.TemporaryDirectory(prefix="writes-bench-") as scratch:
        database_url, index_dir = copy_data(args.database_url, args.index_dir, Path(scratch))
        tokens, stories = writers_and_stories(database_url, index_dir, SECRET_KEY)
        env = {
            "DATABASE_URL": database_url,
            "SEARCH_INDEX_DIR": index_dir,
            "FORUM_ENV": "production",
            "SECRET_KEY": SECRET_KEY,
            "RATELIMIT_ENABLED": "0",
        }
        paths_of = pages(database_url)
        with warm_forum(port, args.workers, env):
            for name, paths in paths_of.items():
                # As long as a measurement first, so read-only is not measured on pages the
                # workers have yet to make (the mixes after it find them made).
                run_wrk(base, paths, *wrk_args)
                for mix in MIXES:
                    run_wrk(base, paths, args.warmup, *wrk_args[1:])
                    writer = None
                    if mix != "read-only":
                        writer = Writer(base, mix, args.rate, tokens, stories, database_url)
                        writer.start()
                    result = run_wrk(base, paths, *wrk_args)
                    row = {"path": name, "writes": mix, **result}
                    if writer:
                        writer.stopping.set()
                        writer.join()
                        seconds = args.seconds
                        row |= {"written": writer.done, "write_errors": writer.failed}
                        row |= {"writes_per_s": writer.done / seconds, "kinds": writer.kinds}
                    rows.append({**row, "share": result["rps"] / ceiling["rps"]})
                    print(json.dumps(rows[-1]), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a SQLite database (copied)")
    parser.add_argument("--index-dir", required=True)
    parser.add_argument("--rate", type=float, default=5.0, help="writes per second")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page")
    parser.add_argument("--warmup", type=int, default=2, help="wrk warm-up per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--json", help="write the rows here")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: `apt-get install wrk` (make bench tries that for you).")
    rows = measure(args)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()

"""Benchmark: `POST /api/v1/experiences` in one process on the seeded data, app time per post.

    .venv/bin/python bench/post_bench.py --database-url sqlite:////path/n100000/forum.db \
        --index-dir /path/n100000/search-index [--posts 200] [--profile /tmp/post.html]

Posting writes, so the SQLite database and the index are copied to a temporary directory first
and the kept data stays as it was. Production settings, rate limits off. Two members post
through the API with a bearer token: a trusted one (published at once, so the index has a
document to add) and a new one (pending review: nothing to index until a moderator approves).
Each posts in the two ways a process applies its index changes: "served" (the background
drainer that every served process runs, SEARCH_DRAIN_INTERVAL_MS 500: woken when the request
ends) and "at once" (no drainer, as the CLI: the request applies them itself before it
answers). App time is the `duration_ms` of the app's request log line, what `make load-fault`
reports. After each served run, the time until the index holds every post published in it is
printed too. --profile writes a pyinstrument profile of the served and the at-once trusted
posts (HTML and text, one of each per way and member).
"""

import argparse
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.in_process import timing_line  # noqa: E402

WARM_UP = 10
DRAINER_MS = {"served": 500, "at once": 0}
BODY = {
    "body": "Ten minutes on the bike, then rest. Pacing kept the crashes away this time.",
    "exercises": ["cycling", "walking"],
    "intensity": "gentle",
    "outcome": "helped",
    "flare": "none",
    "minutes_per_session": 10,
    "tags": ["pacing"],
}


class AppTimes(logging.Handler):
    """Stands in for the app's stderr handler: keeps each request's duration_ms, prints the
    rest (warnings and errors) as the app would."""

    forum_handler = True  # forum.web.observability then adds no stderr handler of its own

    def __init__(self):
        super().__init__()
        self.durations: list[float] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name == "forum.requests":
            self.durations.append(float(record.args[3]))
        elif record.levelno >= logging.WARNING:
            print(self.format(record), file=sys.stderr)


def copy_data(database_url: str, index_dir: str, scratch: Path) -> tuple[str, str]:
    source = Path(database_url.removeprefix("sqlite:///"))
    if not database_url.startswith("sqlite:///") or not source.exists():
        raise SystemExit(f"a SQLite database file is needed: {database_url}")
    shutil.copy2(source, scratch / "forum.db")
    # The index's `current` link is relative: copied as a link, it points into the copy.
    shutil.copytree(index_dir, scratch / "search-index", symlinks=True)
    return f"sqlite:///{scratch / 'forum.db'}", str(scratch / "search-index")


def bench_members(app) -> dict[str, str]:
    """{"trusted": token, "new": token}: two demo members of the copy, made trusted and new."""
    from sqlalchemy import select

    from forum.auth.service import issue_token
    from forum.extensions import db
    from forum.models import User

    with app.app_context():
        members = db.session.scalars(
            select(User).where(User.role == "member", User.suspended_until.is_(None))
            .order_by(User.id).limit(2)
        ).all()  # fmt: skip
        members[0].approvals_toward_trust = app.config["TRUST_THRESHOLD"]
        members[1].approvals_toward_trust = 0
        tokens = {"trusted": issue_token(members[0])[0], "new": issue_token(members[1])[0]}
        db.session.remove()
    return tokens


def index_caught_up(app) -> bool:
    """Whether the index has applied every outbox row (the posts' included)."""
    from forum.extensions import db
    from forum.search import runtime
    from forum.search.index import outbox, storage

    with app.app_context():
        generation = storage.current_generation(runtime().directory)
        progress = outbox.Progress.from_state(storage.read_state(generation))
        waiting = outbox.pending(db.session, progress, limit=1)
        db.session.remove()
    return not waiting


def post_many(client, token: str, label: str, count: int) -> None:
    for number in range(count):
        body = {**BODY, "title": f"Bench post {label} {number} on pacing with cycling"}
        response = client.post(
            "/api/v1/experiences",
            json=body,
            headers={"Authorization": f"Bearer {token}", "Host": "localhost"},
        )
        assert response.status_code == 201, response.get_data(as_text=True)


def run(way: str, member: str, token: str, posts: int, times: AppTimes, profile: str | None):
    from forum import create_app

    app = create_app({"SEARCH_DRAIN_INTERVAL_MS": DRAINER_MS[way]})
    client = app.test_client()
    # The first request opens the searcher and, when served, starts the drainer.
    assert client.get("/api/v1/search?q=walking", headers={"Host": "localhost"}).status_code == 200
    post_many(client, token, f"warm-up {way} {member}", WARM_UP)
    while way == "served" and not index_caught_up(app):
        time.sleep(0.05)
    times.durations.clear()
    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
    post_many(client, token, f"{way} {member}", posts)
    answered = time.perf_counter()
    if profiler:
        profiler.stop()
        path = Path(f"{profile}.{way.replace(' ', '-')}.{member}.html")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(profiler.output_html())
        path.with_suffix(".txt").write_text(profiler.output_text(unicode=True))
        print(f"profile: {path} (and .txt)", flush=True)
    durations = list(times.durations)
    caught_up = ""
    if way == "served":
        while not index_caught_up(app):
            time.sleep(0.005)
        waited = (time.perf_counter() - answered) * 1000
        caught_up = f" (index held every post {waited:.0f} ms after the last answer)"
        app.extensions["search"].stop_drainer()
    label = "published at once" if member == "trusted" else "pending review"
    print(timing_line(f"POST /api/v1/experiences, {member} member ({label}), {way}", durations))
    if caught_up:
        print(f"  {way} {member}: mean {statistics.fmean(durations):.1f} ms{caught_up}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--index-dir", required=True)
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--profile", help="write pyinstrument HTML profiles next to this path")
    parser.add_argument("--ways", default="served,at once", help="comma-separated")
    args = parser.parse_args()
    times = AppTimes()
    forum_log = logging.getLogger("forum")
    forum_log.addHandler(times)
    forum_log.setLevel(logging.INFO)
    print(f"load average at start: {os.getloadavg()[0]:.2f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="post-bench-") as scratch:
        database_url, index_dir = copy_data(args.database_url, args.index_dir, Path(scratch))
        os.environ.update(
            DATABASE_URL=database_url,
            SEARCH_INDEX_DIR=index_dir,
            FORUM_INSTANCE_PATH=str(Path(scratch) / "instance"),
            SECRET_KEY="bench-only-secret",
            FORUM_ENV="production",
            TRUSTED_HOSTS="localhost",
            RATELIMIT_ENABLED="0",
            # Its 100,000-row read would hold SQLite's shared lock for seconds (rollback journal):
            # the posts would measure waiting for it, not posting.
            INSIGHTS_WARM_UP="0",
        )
        from forum import create_app

        tokens = bench_members(create_app({"SEARCH_DRAIN_INTERVAL_MS": 0}))
        for way in args.ways.split(","):
            for member, token in tokens.items():
                run(way, member, token, args.posts, times, args.profile)
    print(f"load average at end: {os.getloadavg()[0]:.2f}", flush=True)


if __name__ == "__main__":
    main()

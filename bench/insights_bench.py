"""Benchmark: the insights call on 100,000 published experiences, counting people (not posts).

    .venv/bin/python bench/insights_bench.py                     # SQLite under /tmp
    .venv/bin/python bench/insights_bench.py --database-url postgresql+psycopg://...

The database is migrated to head (so the migrations' indexes are what is measured) and, when
it holds no experiences, filled by the demo loader (forum.demo) with exactly --published
published experiences. It is kept for the next run. Prints p50/p95 in milliseconds for:
the first call of a process (the table of people's answers is built), 50 random groups, one group
repeated, the first call after each of 20 changes (hide or restore one experience, with its
outbox row, as the moderation service does), and the same through the HTTP API.
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from forum import create_app  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.insights import service  # noqa: E402
from forum.insights.queries import answers_query  # noqa: E402
from forum.models import Experience, SearchChange  # noqa: E402
from forum.vocabulary import PROFILE_FIELDS  # noqa: E402

DEFAULT_DATABASE = "sqlite:////tmp/insights-bench/bench.db"


def demo_count_for(published: int) -> int:
    """How many demo experiences to generate so that exactly `published` of them are published.

    The demo generator leaves every other one of its newest count//30 experiences pending.
    """
    count = published
    while True:
        newest = max(4, count // 30)
        pending = sum(1 for index in range(count - newest, count) if index % 2 == 0)
        if count - pending == published:
            return count
        count += 1


def fill(published: int) -> None:
    from forum.demo import loader

    count = demo_count_for(published)
    print(f"loading {count} demo experiences ({published} published)...", flush=True)
    started = time.perf_counter()
    summary = loader.load(count)
    print(f"loaded {summary.published} published in {time.perf_counter() - started:.0f} s")


def random_groups(number: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    groups = []
    while len(groups) < number:
        fields = rng.sample(list(PROFILE_FIELDS), rng.randint(1, len(PROFILE_FIELDS)))
        group = {name: rng.choice(list(PROFILE_FIELDS[name])) for name in fields}
        if group not in groups:
            groups.append(group)
    return groups


def timed(app, call) -> float:
    """Milliseconds for one call in its own app context (a fresh session, as per request)."""
    with app.app_context():
        started = time.perf_counter()
        call()
        elapsed = time.perf_counter() - started
        db.session.remove()
    return elapsed * 1000


def report(name: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    print(
        f"{name:<56} n={len(samples):<4} p50={statistics.median(ordered):7.2f} ms  "
        f"p95={p95:7.2f} ms  max={ordered[-1]:7.2f} ms"
    )


def toggle(app, hidden: int | None) -> int | None:
    """Hide a published experience, or restore the one hidden before, with its outbox row.

    Returns the id now hidden (None after a restore), so the data ends as it began.
    """
    with app.app_context():
        if hidden is None:
            experience = db.session.scalar(
                select(Experience).where(Experience.status == "published").limit(1)
            )
            experience.status = "hidden"
        else:
            experience = db.session.get(Experience, hidden)
            experience.status = "published"
        changed = experience.id
        db.session.add(SearchChange(experience_id=changed))
        db.session.commit()
        db.session.remove()
        return changed if hidden is None else None


def explain(app) -> None:
    """Print the database's plans for reading every answer and for re-reading one member's."""
    with app.app_context():
        prefix = "EXPLAIN QUERY PLAN " if db.engine.dialect.name == "sqlite" else "EXPLAIN "
        for name, statement in (
            ("every answer", answers_query()),
            ("one member's answers", answers_query().where(Experience.author_id == 1)),
        ):
            compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
            print(f"plan for reading {name}:")
            for row in db.session.execute(text(prefix + str(compiled))):
                print("   ", row[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--published", type=int, default=100_000)
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--explain", action="store_true", help="print the query plans too")
    args = parser.parse_args()

    if args.database_url.startswith("sqlite:////"):
        Path(args.database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": args.database_url,
            "SECRET_KEY": "bench",
            "SEARCH_INDEX_DIR": tempfile.mkdtemp(prefix="insights-bench-index-"),
        }
    )
    with app.app_context():
        upgrade()
        published = db.session.scalar(
            select(func.count()).select_from(Experience).where(Experience.status == "published")
        )
        if not published:
            fill(args.published)
            published = args.published
        # Fresh statistics, so that both planners see the real table sizes.
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    print(f"{args.database_url}: {published} published experiences")

    groups = random_groups(args.groups, args.seed)
    if args.explain:
        explain(app)
    report(
        "first call of a process (people table built)", [timed(app, lambda: service.insights({}))]
    )
    report(
        f"{args.groups} random groups (target p95 < 100 ms)",
        [timed(app, lambda g=g: service.insights(g, detail=True)) for g in groups],
    )
    repeated = groups[0]
    report(
        f"one group repeated {args.repeats}x (target p95 < 20 ms)",
        [timed(app, lambda: service.insights(repeated, detail=True)) for _ in range(args.repeats)],
    )
    after_change, hidden = [], None
    for group in groups[:20]:
        hidden = toggle(app, hidden)
        after_change.append(timed(app, lambda g=group: service.insights(g, detail=True)))
    report("first call after each of 20 changes", after_change)
    client = app.test_client()

    def http(group: dict) -> float:
        started = time.perf_counter()
        response = client.get("/api/v1/insights", query_string=group)
        assert response.status_code == 200, response.get_data(as_text=True)
        return (time.perf_counter() - started) * 1000

    fresh = random_groups(args.groups, args.seed + 1)
    report(f"HTTP GET /api/v1/insights, {args.groups} new groups", [http(g) for g in fresh])
    report(
        f"HTTP GET, one group repeated {args.repeats}x",
        [http(repeated) for _ in range(args.repeats)],
    )


if __name__ == "__main__":
    main()

"""Does "forgot password" answer as fast for an unknown address as for a member's? Timed in-process.

    .venv/bin/python bench/reset_timing.py                      # SQLite, a temporary file
    .venv/bin/python bench/reset_timing.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432
    .venv/bin/python bench/reset_timing.py --requests 200      # a quick look

`POST /api/v1/auth/password-reset` through the test client (the whole Flask request: schema,
service, commit, what follows the commit), on a fresh database (a scratch database on the
PostgreSQL server, dropped afterwards) with --members verified members. Requests for a
member's address, for an unknown address, and for a second set of unknown addresses (how far
two samples of the same thing differ: the noise) are interleaved in a shuffled order, so the
machine's load falls on all three alike. Mail is delivered as configured by default (a thread
in the process, no SMTP: kept in memory); rate limits are off (they do the same for any
address). Prints "name n=… p50=… ms p95=… ms" lines (bench/run_all.py collects them).
"""

import argparse
import random
import sys
import time
from pathlib import Path
from tempfile import TemporaryDirectory

from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.in_process import drop_and_close, scratch_database, timing_line  # noqa: E402
from forum import create_app  # noqa: E402
from forum.clock import utcnow  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.models import User  # noqa: E402

PATH = "/api/v1/auth/password-reset"
KINDS = ("known address", "unknown address", "unknown address, second sample (noise)")


def seed(members: int) -> list[str]:
    addresses = [f"member{n}@example.org" for n in range(members)]
    db.session.execute(
        insert(User),
        [
            {
                "username": f"member{n}",
                "username_key": f"member{n}",
                "email": address,
                "email_verified_at": utcnow(),
                "password_hash": "not-a-hash",
                "role": "member",
            }
            for n, address in enumerate(addresses)
        ],
    )
    db.session.commit()
    return addresses


def measure(database_url: str, members: int, requests: int, index_dir: str) -> None:
    app = create_app(
        {
            "FORUM_ENV": "testing",
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SEARCH_INDEX_DIR": index_dir,
            "RATELIMIT_ENABLED": False,
            # The embedded default (tests would send inline, inside the timed request).
            "MAIL_DELIVERY": "thread",
        }
    )
    with app.app_context():
        db.create_all()
        known = seed(members)
        dialect = db.engine.dialect.name
    client = app.test_client()
    order = random.Random(1)
    addresses = {
        KINDS[0]: lambda n: known[n % members],
        KINDS[1]: lambda n: f"nobody{n}@example.net",
        KINDS[2]: lambda n: f"someone-else{n}@example.com",
    }
    warm_up, samples = 30, {kind: [] for kind in KINDS}
    plan = [kind for kind in KINDS for _ in range(requests + warm_up)]
    order.shuffle(plan)
    seen = dict.fromkeys(KINDS, 0)
    answers = set()
    for kind in plan:
        number = seen[kind]
        seen[kind] += 1
        started = time.perf_counter()
        response = client.post(PATH, json={"email": addresses[kind](number)})
        elapsed = (time.perf_counter() - started) * 1000
        answers.add((response.status_code, response.get_data()))
        if number >= warm_up:
            samples[kind].append(elapsed)
    if len(answers) != 1:
        raise SystemExit(f"the answers differ: {answers}")
    for kind in KINDS:
        print(timing_line(f"POST {PATH}, {dialect}, {kind}", samples[kind]))
    drop_and_close(app)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a scratch database on it)")
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--requests", type=int, default=500, help="timed requests per kind")
    args = parser.parse_args()
    with scratch_database("bench_reset", args.postgres) as url, TemporaryDirectory() as index:
        measure(url, args.members, args.requests, index)


if __name__ == "__main__":
    main()

"""What the bell adds to a signed-in page: `unread_count(member, cap=BELL_CAP)`, timed per call.

    .venv/bin/python bench/bell_count.py                      # SQLite, a temporary file
    .venv/bin/python bench/bell_count.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432
    .venv/bin/python bench/bell_count.py --members 20 --per-member 500 --calls 200   # a quick look

Seeds --members members with --per-member notifications each on a fresh database (a scratch
database on the PostgreSQL server, dropped afterwards): a third about replies (one reply in
seven hidden), the rest "me too" rows, spread over 20,000 stories; a tenth unread. Two
members are timed: the busiest, with three times the unread rows the bell counts (so the cap
stops the count), and a usual one with a handful. Every signed-in page calls the count once;
a bare `SELECT 1` through the same session is timed beside it, for the round trip any query
pays. Prints "name n=… p50=… ms p95=… ms" lines (bench/run_all.py collects them) and, on
PostgreSQL, the query plans.
"""

import argparse
import random
import sys
from datetime import timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

from sqlalchemy import event, insert, literal, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.in_process import drop_and_close, scratch_database, time_calls, timing_line  # noqa: E402
from forum import create_app  # noqa: E402
from forum.clock import utcnow  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.models import Experience, Notification, Reply, User  # noqa: E402
from forum.notifications.queries import unread_count  # noqa: E402
from forum.notifications.templating import BELL_CAP  # noqa: E402

EXPERIENCES, REPLIES = 20_000, 50_000
USUAL_UNREAD = 5


def seed(members: int, per_member: int) -> None:
    """Members 1 (the busiest) and 2 (usual) are the ones timed; the others fill the table."""
    now = utcnow()
    db.session.execute(
        insert(User),
        [
            {"username": f"m{n}", "username_key": f"m{n}", "email": f"m{n}@x.org", "role": "member"}
            for n in range(members)
        ],
    )
    common = {"body": "b", "body_html": "<p>b</p>", "intensity": "gentle", "outcome": "helped"}
    db.session.execute(
        insert(Experience),
        [
            {
                **common,
                "author_id": 1 + n % members,
                "title": f"t{n}",
                "main_exercise": "walking",
                "flare": "none",
                "status": "published",
                "published_at": now,
                "me_too_count": 3,
            }
            for n in range(EXPERIENCES)
        ],
    )
    db.session.execute(
        insert(Reply),
        [
            {
                "experience_id": 1 + n % EXPERIENCES,
                "author_id": 1 + n % members,
                "body": "r",
                "body_html": "<p>r</p>",
                "status": "hidden" if n % 7 == 0 else "published",
            }
            for n in range(REPLIES)
        ],
    )
    busiest_unread = min(per_member, 3 * BELL_CAP)
    # What a member hears of is spread over the whole forum, not its first stories.
    spread = random.Random(1)
    for member in range(1, members + 1):
        rows = []
        for n in range(per_member):
            if member == 1:
                unread = n < busiest_unread
            elif member == 2:
                unread = n < USUAL_UNREAD
            else:
                unread = n % 10 == 0
            reply_id = spread.randint(1, REPLIES)
            is_reply = n % 3 == 0
            rows.append(
                {
                    "user_id": member,
                    "kind": "reply" if is_reply else "me_too",
                    # A reply's notification names the reply's own experience.
                    "experience_id": 1 + (reply_id - 1) % EXPERIENCES
                    if is_reply
                    else spread.randint(1, EXPERIENCES),
                    "reply_id": reply_id if is_reply else None,
                    "created_at": now - timedelta(minutes=n),
                    "read_at": None if unread else now,
                }
            )
        db.session.execute(insert(Notification), rows)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def show_plan(member: User) -> None:
    """EXPLAIN ANALYZE of the very statement the bell runs for the member (PostgreSQL)."""
    seen = []

    def note(connection, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        unread_count(member, cap=BELL_CAP)
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    ((statement, parameters),) = seen
    print(f"plan for member {member.id}:")
    explain = f"EXPLAIN (ANALYZE, BUFFERS) {statement}"
    for (line,) in db.session.connection().exec_driver_sql(explain, parameters):
        print(f"  {line}")


def measure(database_url: str, members: int, per_member: int, calls: int, index_dir: str) -> None:
    app = create_app(
        {
            "FORUM_ENV": "testing",
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SEARCH_INDEX_DIR": index_dir,
        }
    )
    with app.app_context():
        db.create_all()
        seed(members, per_member)
        dialect = db.engine.dialect.name
        rows = f"{members * per_member:,} rows"
        for member_id, who in ((1, "busiest member"), (2, "usual member")):
            member = db.session.get(User, member_id)
            count = unread_count(member, cap=BELL_CAP)
            samples = time_calls(lambda m=member: unread_count(m, cap=BELL_CAP), calls)
            print(timing_line(f"bell count, {dialect}, {who} ({count} counted; {rows})", samples))
            if dialect == "postgresql":
                show_plan(member)
        samples = time_calls(lambda: db.session.scalar(select(literal(1))), calls)
        print(timing_line(f"bare SELECT 1 through the session, {dialect}", samples))
    drop_and_close(app)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a scratch database on it)")
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--per-member", type=int, default=1000)
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    with scratch_database("bench_bell", args.postgres) as url, TemporaryDirectory() as index:
        measure(url, args.members, args.per_member, args.calls, index)


if __name__ == "__main__":
    main()

"""How long the bell's unread count takes: `unread_count(member)` in-process, per call.

    .venv/bin/python bench/bell_count.py [DATABASE_URL]

Seeds 200 members with 1,000 notifications each (a tenth unread, a third about replies of
which some are hidden) on a fresh database, then times the count for one member.
"""

import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, literal, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from forum import create_app  # noqa: E402
from forum.clock import utcnow  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.models import Experience, Notification, Reply, User  # noqa: E402
from forum.notifications.queries import unread_count  # noqa: E402

MEMBERS, PER_MEMBER, CALLS = 200, 1000, 2000


def seed() -> User:
    now = utcnow()
    db.session.execute(
        insert(User),
        [
            {"username": f"m{n}", "username_key": f"m{n}", "email": f"m{n}@x.org", "role": "member"}
            for n in range(MEMBERS)
        ],
    )
    common = {"body": "b", "body_html": "<p>b</p>", "intensity": "gentle", "outcome": "helped"}
    db.session.execute(
        insert(Experience),
        [
            {
                **common,
                "author_id": 1 + n % MEMBERS,
                "title": f"t{n}",
                "main_exercise": "walking",
                "flare": "none",
                "status": "published",
                "published_at": now,
                "me_too_count": 3,
            }
            for n in range(2000)
        ],
    )
    db.session.execute(
        insert(Reply),
        [
            {
                "experience_id": 1 + n % 2000,
                "author_id": 1 + n % MEMBERS,
                "body": "r",
                "body_html": "<p>r</p>",
                "status": "hidden" if n % 7 == 0 else "published",
            }
            for n in range(20000)
        ],
    )
    rows = []
    for member in range(1, MEMBERS + 1):
        for n in range(PER_MEMBER):
            is_reply = n % 3 == 0
            rows.append(
                {
                    "user_id": member,
                    "kind": "reply" if is_reply else "me_too",
                    "experience_id": 1 + n % 2000,
                    "reply_id": 1 + (member * n) % 20000 if is_reply else None,
                    "created_at": now - timedelta(minutes=n),
                    "read_at": None if n % 10 == 0 else now,
                }
            )
    db.session.execute(insert(Notification), rows)
    db.session.commit()
    return db.session.get(User, 1)


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else None
    with tempfile.TemporaryDirectory() as scratch:
        app = create_app(
            {
                "FORUM_ENV": "testing",
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{scratch}/bench.db",
                "SEARCH_INDEX_DIR": f"{scratch}/index",
            }
        )
        with app.app_context():
            db.drop_all()
            db.create_all()
            member = seed()
            count = unread_count(member)
            for _ in range(100):
                unread_count(member)
            started = time.perf_counter()
            for _ in range(CALLS):
                unread_count(member)
            per_call = (time.perf_counter() - started) / CALLS * 1000
            started = time.perf_counter()
            for _ in range(CALLS):
                db.session.scalar(select(literal(1)))
            baseline = (time.perf_counter() - started) / CALLS * 1000
            print(
                f"{db.engine.dialect.name}: unread {count} of {PER_MEMBER} rows for the member "
                f"({MEMBERS * PER_MEMBER} in all): {per_call:.3f} ms per count "
                f"(a bare SELECT 1 through the session: {baseline:.3f} ms)"
            )
            db.session.remove()
            db.drop_all()


if __name__ == "__main__":
    main()

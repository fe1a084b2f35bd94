"""Where a page's time goes: SQL statements (count, time) and a pyinstrument profile per page.

    .venv/bin/python bench/profile_pages.py --database-url sqlite:////path/forum.db \
        --index-dir /path/search-index [--pages home,list] [--repeat 20] [--member]

Runs each page of bench/pages_bench.py in-process through the test client (production
settings), after one warm-up pass over its paths; with --member, signed in as the bench's
member (bench/member_session.py), whose pages add their notifications and "my experiences".
"""

import argparse
import logging
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--index-dir", required=True)
    parser.add_argument("--pages", default="home,list,detail,search,insights")
    parser.add_argument("--repeat", type=int, default=20, help="requests profiled per page")
    parser.add_argument("--member", action="store_true", help="signed in as the bench's member")
    args = parser.parse_args()
    os.environ.update(
        DATABASE_URL=args.database_url,
        SEARCH_INDEX_DIR=args.index_dir,
        FORUM_ENV="production",
        SECRET_KEY="bench-only-secret",  # noqa: S106 - a throwaway key for local runs
    )
    from pyinstrument import Profiler
    from sqlalchemy import event

    from app import app
    from bench.member_session import WRK_ENVIRON, signed_in_member
    from bench.pages_bench import MEMBER_PAGES, pages
    from forum.extensions import db

    logging.disable(logging.INFO)
    client = app.test_client(use_cookies=not args.member)
    paths_of = pages(args.database_url)
    if args.member:
        member = signed_in_member(args.database_url, args.index_dir, os.environ["SECRET_KEY"])
        # As wrk sends it: the address the cookie was made for, no User-Agent.
        client.environ_base = {**WRK_ENVIRON, "HTTP_COOKIE": member.cookie}
        paths_of.update(MEMBER_PAGES)
    with app.app_context():
        engine = db.engine
    statements = defaultdict(lambda: [0, 0.0])

    @event.listens_for(engine, "before_cursor_execute")
    def started(conn, cursor, statement, parameters, context, executemany):
        context.bench_started = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def finished(conn, cursor, statement, parameters, context, executemany):
        entry = statements[" ".join(statement.split())[:160]]
        entry[0] += 1
        entry[1] += time.perf_counter() - context.bench_started

    wanted = args.pages.split(",")
    for name, paths in paths_of.items():
        if name not in wanted:
            continue
        for path in paths:
            client.get(path)
        statements.clear()
        profiler = Profiler(interval=0.0005)
        started_at = time.perf_counter()
        with profiler:
            for number in range(args.repeat):
                client.get(paths[number % len(paths)])
        per_request = (time.perf_counter() - started_at) / args.repeat * 1000
        print(f"\n===== {name}: {per_request:.1f} ms per request (profiled)")
        for statement, (calls, seconds) in sorted(statements.items(), key=lambda s: -s[1][1])[:5]:
            print(f"  SQL {seconds / args.repeat * 1000:7.2f} ms/request  x{calls:<4} {statement}")
        print(profiler.output_text(unicode=False, color=False, show_all=False))


if __name__ == "__main__":
    main()

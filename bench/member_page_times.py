"""Milliseconds per kept page for a signed-in member, in one process (test client, pages kept).

    .venv/bin/python bench/member_page_times.py --database-url sqlite:////path/forum.db \
        --index-dir /path/search-index [--visitor]

What each request costs once the page's content is kept: the member's own header, bell and
own parts around it (forum/web/page_cache.py). The pages are those of bench/pages_bench.py
for the bench's member (bench/member_session.py; 50 experience pages, 50 searches). Run it
from two checkouts on the same database, one after the other, to compare two versions of
the code without the noise of a load test; the best of five rounds of 200 requests is given.
With --visitor, the same for a visitor's whole kept pages (the pages a member adds left out).
Background warm-ups (search index, insights) are waited for: a busy second thread slows the
first.
"""

import argparse
import logging
import os
import sys
import threading
import time

ROUNDS, ASKED = 5, 200


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--index-dir", required=True)
    parser.add_argument("--visitor", action="store_true", help="not signed in")
    args = parser.parse_args()
    os.environ.update(
        DATABASE_URL=args.database_url,
        SEARCH_INDEX_DIR=args.index_dir,
        SECRET_KEY="bench-only-secret",  # noqa: S105 - a throwaway key for local runs
        FORUM_ENV="production",
    )
    sys.path.insert(0, os.getcwd())  # the checkout it is run from, not this file's
    from bench.member_session import WRK_ENVIRON, signed_in_member
    from bench.pages_bench import MEMBER_PAGES, pages
    from forum import create_app

    client = create_app().test_client(use_cookies=False)
    # As wrk sends it: the address the cookie was made for, no User-Agent.
    client.environ_base = dict(WRK_ENVIRON)
    if not args.visitor:
        member = signed_in_member(args.database_url, args.index_dir, os.environ["SECRET_KEY"])
        client.environ_base["HTTP_COOKIE"] = member.cookie
    logging.disable(logging.INFO)  # one request log line per page asked would drown the figures
    client.get("/")
    time.sleep(1)
    while any(thread.name.endswith("warm-up") for thread in threading.enumerate()):
        time.sleep(0.5)
    paths_of = pages(args.database_url) | ({} if args.visitor else MEMBER_PAGES)
    for name, paths in paths_of.items():
        paths = paths[:50]
        for path in paths * 2:  # made, then kept
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        best = min(_round(client, paths) for _ in range(ROUNDS))
        print(f"{name:<14} {best:6.2f} ms per page", flush=True)


def _round(client, paths: list[str]) -> float:
    started = time.perf_counter()
    for number in range(ASKED):
        client.get(paths[number % len(paths)])
    return (time.perf_counter() - started) / ASKED * 1000


if __name__ == "__main__":
    main()

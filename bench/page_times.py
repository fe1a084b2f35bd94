"""Milliseconds per page in one process (test client, production settings, page cache off).

    .venv/bin/python bench/page_times.py --database-url sqlite:////path/forum.db \
        --index-dir /path/search-index

Run it from two checkouts on the same database, one after the other, to compare two versions
of the code without the noise of a load test: each page is asked ~60 times over a few paths.
"""

import argparse
import logging
import os
import sys
import time
from pathlib import Path

PAGES = {
    "home": ["/"],
    "list": ["/experiences", "/experiences?exercise=yoga", "/experiences?onset=injury&page=2"],
    "detail": [f"/experiences/{number}" for number in range(1, 400, 7)],
    "search": [
        "/search?q=tai+chi",
        "/search?q=walking+pain",
        "/search?q=%22gentle+yoga%22",
        "/search?q=swimming&onset=injury",
    ],
    "insights": [
        "/insights",
        "/insights?onset=injury",
        "/insights?condition=me_cfs&symptom=pain",
        "/insights?onset=sedentary&age_band=40s",
    ],
}
ASKED = 60


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--index-dir", required=True)
    args = parser.parse_args()
    os.environ.update(
        DATABASE_URL=args.database_url,
        SEARCH_INDEX_DIR=args.index_dir,
        FORUM_INSTANCE_PATH=str(Path(args.index_dir).parent / "instance"),
        SECRET_KEY="bench-only-secret",
        FORUM_ENV="production",
        PAGE_CACHE_MB="0",
        SEARCH_DRAIN_INTERVAL_MS="0",
        TRUSTED_HOSTS="localhost",
        RATELIMIT_ENABLED="0",
    )
    sys.path.insert(0, os.getcwd())  # the checkout it is run from, not this file's
    from forum import create_app

    client = create_app().test_client()
    logging.disable(logging.INFO)  # one request log line per page asked would drown the figures
    headers = {"Host": "localhost"}
    for name, paths in PAGES.items():
        for path in paths:  # warm-up: the index, the insights table, templates
            client.get(path, headers=headers)
        asked, started = 0, time.perf_counter()
        for _ in range(max(1, ASKED // len(paths))):
            for path in paths:
                response = client.get(path, headers=headers)
                assert response.status_code == 200, (path, response.status_code)
                asked += 1
        print(f"{name:<9} {(time.perf_counter() - started) / asked * 1000:6.1f} ms per page")


if __name__ == "__main__":
    main()

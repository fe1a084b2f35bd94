"""Pages under gunicorn, measured with wrk on loopback, beside a bare Flask "hello" ceiling.

    .venv/bin/python bench/pages_bench.py --database-url sqlite:////tmp/b/forum.db \
        --index-dir /tmp/b/search-index --json /tmp/b/pages.json

Serves bench/hello_app.py and then the forum (app:app) with the same gunicorn settings on
127.0.0.1, runs wrk against each page for a bounded time (each connection walks a list of
paths: 500 detail ids, the search issue's 200 queries, 50 insight groups) and checks that
the GETs wrote nothing to the database or the search index. The forum is measured twice:
as configured, with anonymous pages kept per worker (each worker makes each page once, in
the warm-up or the run), and with PAGE_CACHE_MB=0. Prints and saves JSON rows.

With --search-kinds it measures instead each kind of query of that mix on its own (the
search issue: every kind p95 ≤ 100 ms at 100,000): a visitor's /search pages with
PAGE_CACHE_MB=0, so every request is answered by the engine, one connection per worker,
so a figure is one request's time and not the queue behind the others.
"""

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fingerprint import fingerprint  # noqa: E402
from bench.member_session import signed_in_member  # noqa: E402

GUNICORN = str(Path(sys.executable).parent / "gunicorn")
WRK_SCRIPT = str(ROOT / "bench" / "wrk_report.lua")
SETTLE_SECONDS = 3
# After its first request each worker builds its insights table and suppression pattern in a
# background thread (forum/insights/warm_up.py: about 6 s of CPU at 100,000, measured as the
# insights bench's "first call of a process"). The pages are measured in the steady state after
# it: every worker is reached, then given this long.
WARM_UP_SECONDS = 15
LIST_PATHS = (
    "/experiences", "/experiences?page=2", "/experiences?page=25", "/experiences?exercise=yoga",
    "/experiences?onset=injury&outcome=helped", "/experiences?sort=most_me_too",
    "/experiences?condition=me_cfs&intensity=gentle", "/experiences?tag=pacing",
    "/experiences?exercise=tai_chi&onset=sedentary", "/experiences?symptom=sleep&page=3",
)  # fmt: skip
PROFILE_CHOICES = {
    "onset": ("sedentary", "injury", "illness", "stress", "gradual", "other"),
    "condition": ("fibromyalgia", "me_cfs", "both", "suspected", "other"),
    "symptom": ("pain", "fatigue", "sleep", "mixed"),
    "age_band": ("under_30", "30s", "40s", "50s", "60_plus"),
}


def insight_paths(number: int = 50, seed: int = 7) -> list[str]:
    """`number` distinct random groups of one to four profile fields, as /insights URLs."""
    rng, paths = random.Random(seed), []
    while len(paths) < number:
        fields = sorted(rng.sample(list(PROFILE_CHOICES), rng.randint(1, len(PROFILE_CHOICES))))
        query = "&".join(f"{name}={rng.choice(PROFILE_CHOICES[name])}" for name in fields)
        if f"/insights?{query}" not in paths:
            paths.append(f"/insights?{query}")
    return paths


def search_paths() -> list[str]:
    """The search issue's fixed mix of 200 queries (bench/search_bench.py), as /search URLs."""
    from bench.search_bench import query_mix

    return [f"/search?{urllib.parse.urlencode(args)}" for _, args in query_mix(seed=5)]


# The issue's own example of a question, beside the mix's.
ISSUE_QUESTION = "what helped my sleep after a car accident"
# Distinct queries per kind: enough that no one query's luck decides a kind's figure.
QUERIES_PER_KIND = 8
SEARCH_KIND_TARGET_MS = 100.0


def search_kind_paths() -> dict[str, list[str]]:
    """The mix's first QUERIES_PER_KIND distinct /search URLs of each kind."""
    from bench.search_bench import MIX, query_mix

    kinds: dict[str, list[str]] = {kind: [] for kind in MIX}
    question = {"page": 1, "per_page": 20, "sort": "relevance", "q": ISSUE_QUESTION}
    for kind, args in [("question", question), *query_mix(seed=5)]:
        paths = kinds[kind]
        path = f"/search?{urllib.parse.urlencode(args)}"
        if path not in paths and len(paths) < QUERIES_PER_KIND:
            paths.append(path)
    return kinds


def detail_paths(database_url: str, number: int = 500, seed: int = 7) -> list[str]:
    """Detail pages of `number` published experiences picked at random."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as connection:
        ids = connection.scalars(text("SELECT id FROM experiences WHERE status = 'published'"))
        ids = list(ids)
    engine.dispose()
    return [f"/experiences/{i}" for i in random.Random(seed).sample(ids, min(number, len(ids)))]


# A signed-in member's own pages (beside the others, with their cookie: bench/member_session.py).
MEMBER_PAGES = {
    "own insights": ["/insights"],
    "notifications": ["/notifications"],
    "mine": ["/experiences/mine"],
}


def pages(database_url: str) -> dict[str, list[str]]:
    return {
        "home": ["/"],
        "list": list(LIST_PATHS),
        "detail": detail_paths(database_url),
        "search": search_paths(),
        "insights": insight_paths(),
    }


def reach_every_worker(base: str, workers: int) -> None:
    """Concurrent requests, more than the workers, so each worker takes one (and starts its
    insights warm-up)."""

    def ask(_) -> None:
        # A degraded check answers 503: the worker was reached all the same.
        with contextlib.suppress(urllib.error.HTTPError):
            urllib.request.urlopen(f"{base}/healthz", timeout=60).read()

    with ThreadPoolExecutor(max_workers=4 * workers) as pool:
        list(pool.map(ask, range(4 * workers)))


def _wait_until_up(port: int, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30).read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer in time")


@contextmanager
def gunicorn(app_spec: str, port: int, workers: int, env: dict, cwd: Path):
    """Serve `app_spec` on 127.0.0.1:`port` with `workers` sync workers; stop it afterwards."""
    command = [GUNICORN, "--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
    command += ["--log-level", "warning", app_spec]
    process = subprocess.Popen(command, cwd=cwd, env={**os.environ, **env})
    try:
        _wait_until_up(port, process)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


@contextmanager
def warm_forum(port: int, workers: int, env: dict):
    """The forum served as `gunicorn` does, once every worker is past its warm-up."""
    with gunicorn("app:app", port, workers, env, ROOT) as process:
        # The first request starts each worker's outbox drainer: let it apply what earlier
        # writers (a seed, another bench) left, so only the GETs measured are fingerprinted.
        time.sleep(SETTLE_SECONDS)
        reach_every_worker(f"http://127.0.0.1:{port}", workers)
        time.sleep(WARM_UP_SECONDS)
        yield process


def workers_rss_mb(master: subprocess.Popen) -> list[float]:
    """Resident memory of each of gunicorn's workers (its master's children), in MB."""
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        kilobytes = next(
            line.split()[1] for line in status.splitlines() if line.startswith("VmRSS")
        )
        sizes.append(round(int(kilobytes) / 1024, 1))
    return sizes


def measure_ceiling(args) -> dict:
    """The bare Flask "hello" app served and measured as the forum's pages are."""
    base = f"http://127.0.0.1:{args.port}"
    with gunicorn("hello_app:app", args.port, args.workers, {}, ROOT / "bench"):
        run_wrk(base, ["/"], args.warmup, args.connections, args.threads)
        return run_wrk(base, ["/"], args.seconds, args.connections, args.threads)


def run_wrk(
    url_base: str, paths: list[str], seconds: int, connections: int, threads: int, cookie=None
):
    """One bounded wrk run over `paths` (with `cookie`: signed in); its JSON summary plus
    derived figures."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(paths))
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command += ["-s", WRK_SCRIPT, url_base, "--", handle.name]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    os.unlink(handle.name)
    summary = json.loads(output.strip().splitlines()[-1])
    return {
        "requests": summary["requests"],
        "rps": summary["requests"] / (summary["duration_us"] / 1e6),
        "p50_ms": summary["p50_us"] / 1000,
        "p95_ms": summary["p95_us"] / 1000,
        "p99_ms": summary["p99_us"] / 1000,
        "errors": summary["non_2xx"] + summary["socket_errors"],
    }


def measure(args) -> list[dict]:
    """Hello ceiling first, then every page of the forum, as result rows."""
    port, base = args.port, f"http://127.0.0.1:{args.port}"
    wrk_args = (args.seconds, args.connections, args.threads)
    ceiling = measure_ceiling(args)
    rows = [{"path": "hello (bare Flask)", **ceiling, "share": 1.0}]
    env = {
        "DATABASE_URL": args.database_url,
        "SEARCH_INDEX_DIR": args.index_dir,
        "FORUM_ENV": "production",
        "SECRET_KEY": "bench-only-secret",
    }
    paths_of = pages(args.database_url)
    member = signed_in_member(args.database_url, args.index_dir, env["SECRET_KEY"])
    before = None
    # As configured (pages kept per worker), then with the page cache off: what every
    # request would cost with nothing kept.
    for cache, settings in (("on", {}), ("off", {"PAGE_CACHE_MB": "0"})):
        with warm_forum(port, args.workers, {**env, **settings}) as server:
            before = before or fingerprint(args.database_url, args.index_dir)
            readers = [("visitor", None)] + [("member", member.cookie)] * (cache == "on")
            for reader, cookie in readers:
                for name, paths in {**paths_of, **(MEMBER_PAGES if cookie else {})}.items():
                    run_wrk(base, paths, args.warmup, *wrk_args[1:], cookie)
                    result = run_wrk(base, paths, *wrk_args, cookie)
                    share = result["rps"] / ceiling["rps"]
                    row = {"path": name, "page_cache": cache, "reader": reader, **result}
                    rows.append({**row, "share": share})
                    print(json.dumps(rows[-1]), flush=True)
            # Issue 20's memory figure: what each worker holds once it has served every page.
            rows.append(
                {"path": "worker memory", "page_cache": cache, "rss_mb": workers_rss_mb(server)}
            )
            print(json.dumps(rows[-1]), flush=True)
    after = fingerprint(args.database_url, args.index_dir)
    rows.append(
        {"path": "GET wrote nothing", "ok": before == after, "changes": diff(before, after)}
    )
    return rows


def measure_search_kinds(args) -> list[dict]:
    """p50/p95 of each kind of search query on its own, as result rows."""
    port, base = args.port, f"http://127.0.0.1:{args.port}"
    env = {
        "DATABASE_URL": args.database_url,
        "SEARCH_INDEX_DIR": args.index_dir,
        "FORUM_ENV": "production",
        "SECRET_KEY": "bench-only-secret",
        "PAGE_CACHE_MB": "0",
    }
    rows = []
    with warm_forum(port, args.workers, env):
        for kind, paths in search_kind_paths().items():
            run_wrk(base, paths, args.warmup, args.workers, args.workers)
            result = run_wrk(base, paths, args.seconds, args.workers, args.workers)
            rows.append({"kind": kind, "queries": len(paths), **result})
            print(json.dumps(rows[-1]), flush=True)
    return rows


def diff(before: dict, after: dict) -> list[str]:
    return sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--index-dir", required=True)
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page")
    parser.add_argument("--warmup", type=int, default=2, help="wrk warm-up per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--json", help="write the rows here")
    parser.add_argument(
        "--search-kinds", action="store_true", help="each kind of search query on its own"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: `apt-get install wrk` (make bench tries that for you).")
    rows = measure_search_kinds(args) if args.search_kinds else measure(args)
    for row in rows:
        print(json.dumps(row))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()

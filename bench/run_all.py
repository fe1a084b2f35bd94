"""`make bench`: load each data size once, run every bench script on it, write bench/RESULTS.md.

    .venv/bin/python bench/run_all.py                       # 10,000 and 100,000, SQLite
    .venv/bin/python bench/run_all.py --sizes 10000 --seconds 5

Data lives under --data-dir (default bench/data/: one SQLite database and search index per
size, loaded with `flask forum seed-demo --count N` and timed) and is reused by later runs.
Each size runs the search, insights and posting scripts (bench/search_bench.py,
bench/insights_bench.py and bench/post_bench.py, which posts into a copy of the data: their
"name n=… p50=… ms p95=… ms" lines are collected) and bench/pages_bench.py (gunicorn + wrk:
the pages, then each kind of search query on its own) and bench/writes_bench.py (visitors'
pages beside a steady write rate, on a copy of the data). Once per run, on SQLite and on the
--postgres server (a scratch database; --postgres '' skips it), the scripts that seed data of
their own:
bench/bell_count.py (what the bell's unread count adds to a signed-in page) and
bench/reset_timing.py (password reset for known and unknown addresses).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.results import machine, write_results  # noqa: E402

PYTHON = sys.executable
FLASK = [str(Path(PYTHON).parent / "flask"), "--app", "app"]
LOOPBACK_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432"
# Scripts that seed their own data (so they do not depend on the size): key → script.
OWN_DATA_SCRIPTS = {"bell": "bell_count.py", "reset": "reset_timing.py"}
TIMING_LINE = re.compile(
    r"^(?P<name>\S.*?)\s+n=(?P<n>\d+)\s+p50=\s*(?P<p50>[\d.]+)\s*ms\s+p95=\s*(?P<p95>[\d.]+)\s*ms"
)


def data_env(directory: Path) -> dict:
    return {
        "DATABASE_URL": f"sqlite:///{directory / 'forum.db'}",
        "SEARCH_INDEX_DIR": str(directory / "search-index"),
        "FORUM_INSTANCE_PATH": str(directory / "instance"),
        "SECRET_KEY": "bench-only-secret",
    }


def megabytes_under(path: Path) -> float:
    """Disk space taken by a file or every file under a directory, in MB."""
    files = [path] if path.is_file() else [item for item in path.rglob("*") if item.is_file()]
    return round(sum(item.stat().st_size for item in files) / 1e6, 1)


def sizes_on_disk(directory: Path) -> dict:
    """The database and the index searches use (a reindex keeps the one before beside it)."""
    return {
        "database_mb": megabytes_under(directory / "forum.db"),
        "index_mb": megabytes_under((directory / "search-index" / "current").resolve()),
    }


def ensure_data(size: int, directory: Path, seed: int, reindex: bool = True) -> dict:
    """Load `size` demo experiences into `directory` unless a previous run did; its timings
    and sizes on disk. Kept data is reindexed unless `reindex` is false."""
    marker = directory / "loaded.json"
    env = {**os.environ, **data_env(directory)}
    upgrade = [*FLASK, "db", "upgrade"]
    if marker.exists():
        loaded = json.loads(marker.read_text())
        if loaded.get("size") == size and loaded.get("seed") == seed:
            # Kept data still gets the migrations added since it was loaded, and an index built
            # by the current search code (else a worker may rebuild it during the page runs).
            # At a million that rebuild takes a quarter of an hour: --reuse-index skips it
            # when the search code has not changed since the data was loaded.
            subprocess.run(upgrade, cwd=ROOT, env=env, check=True, capture_output=True)
            if reindex:
                print(f"== reindexing the kept {size:,} experiences", flush=True)
                command = [*FLASK, "forum", "reindex"]
                subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
            loaded.update(sizes_on_disk(directory))
            marker.write_text(json.dumps(loaded))
            return loaded
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    subprocess.run(upgrade, cwd=ROOT, env=env, check=True, capture_output=True)
    print(f"== seeding {size:,} demo experiences into {directory}", flush=True)
    started, load_before = time.perf_counter(), os.getloadavg()[0]
    command = [*FLASK, "forum", "seed-demo", "--count", str(size), "--seed", str(seed)]
    output = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    loaded = {
        "size": size,
        "seed": seed,
        "seed_seconds": round(time.perf_counter() - started, 1),
        "seed_output": next(line for line in output.stdout.splitlines() if "Loaded" in line),
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        # The machine is shared: the load average says how much of it the seed really had.
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        **sizes_on_disk(directory),
    }
    marker.write_text(json.dumps(loaded))
    return loaded


def run_timing_script(script: str, arguments: list[str], env: dict) -> dict:
    """Run one of the helpers' bench scripts; its timing lines become rows, the rest is kept."""
    path = ROOT / "bench" / script
    if not path.exists():
        return {"missing": True, "rows": [], "output": f"{script} does not exist yet"}
    started = time.perf_counter()
    process = subprocess.run(
        [PYTHON, str(path), *arguments], cwd=ROOT, env=env, capture_output=True, text=True
    )
    rows = []
    for line in process.stdout.splitlines():
        match = TIMING_LINE.match(line.strip())
        if match:
            rows.append(
                {
                    "path": match["name"].strip(),
                    "n": int(match["n"]),
                    "p50_ms": float(match["p50"]),
                    "p95_ms": float(match["p95"]),
                }
            )
    return {
        "rows": rows,
        "returncode": process.returncode,
        "seconds": round(time.perf_counter() - started, 1),
        "output": (process.stdout + process.stderr)[-4000:],
    }


def run_own_data(postgres: str) -> dict:
    """Each own-data script on SQLite and, when a server is given, on PostgreSQL."""
    results = {}
    for key, script in OWN_DATA_SCRIPTS.items():
        print(f"== {script}", flush=True)
        runs = {"sqlite": run_timing_script(script, [], dict(os.environ))}
        if postgres:
            runs["postgresql"] = run_timing_script(
                script, ["--postgres", postgres], dict(os.environ)
            )
        results[key] = runs
    return results


# The search bench's FTS5 floor copies every document into memory: up to this size only.
FLOOR_UP_TO = 100_000
PARTS = ("search", "insights", "posting", "pages", "search_kinds", "writes")


def run_size(size: int, args) -> dict:
    directory = Path(args.data_dir) / f"n{size}"
    loaded = ensure_data(size, directory, args.seed, reindex=not args.reuse_index)
    env = {**os.environ, **data_env(directory)}
    database_url = env["DATABASE_URL"]
    index_args = ["--index-dir", env["SEARCH_INDEX_DIR"]]
    # The plain-whoosh comparison build is the search issue's own business (and minutes long).
    search_args = ["--database-url", database_url, "--skip-plain"]
    if size > FLOOR_UP_TO:
        search_args.append("--skip-floor")
    if args.reuse_index:  # search the kept index rather than a build of the bench's own
        search_args += index_args
    insights_args = ["--database-url", database_url]
    parts = {
        "search": lambda: run_timing_script("search_bench.py", search_args, env),
        "insights": lambda: run_timing_script("insights_bench.py", insights_args, env),
        # On a copy of the data.
        "posting": lambda: run_timing_script("post_bench.py", insights_args + index_args, env),
        "pages": lambda: run_pages(size, directory, env, args.seconds),
        "search_kinds": lambda: run_pages(size, directory, env, args.seconds, search_kinds=True),
        "writes": lambda: run_writes(size, directory, env, args.seconds),
    }
    chosen = args.parts.split(",")
    results = {"size": size, "load": loaded}
    for name, measure in parts.items():
        if name in chosen:
            print(f"== {size:,}: {name}", flush=True)
        results[name] = measure() if name in chosen else None  # None: not run this time
    return results


def run_pages(
    size: int, directory: Path, env: dict, seconds: int, search_kinds: bool = False
) -> list[dict]:
    """The pages bench's rows (with `search_kinds`, each kind of search query on its own), or
    none when wrk is not installed."""
    if shutil.which("wrk") is None:
        print("== wrk is not installed (apt-get install wrk): pages not measured", flush=True)
        return []
    what = "search kinds" if search_kinds else "pages"
    print(f"== {size:,}: {what} under gunicorn + wrk", flush=True)
    pages_json = directory / ("search_kinds.json" if search_kinds else "pages.json")
    command = [PYTHON, str(ROOT / "bench" / "pages_bench.py"), "--json", str(pages_json)]
    command += ["--search-kinds"] * search_kinds
    command += ["--database-url", env["DATABASE_URL"], "--index-dir", env["SEARCH_INDEX_DIR"]]
    subprocess.run([*command, "--seconds", str(seconds)], cwd=ROOT, env=env, check=True)
    return json.loads(pages_json.read_text())


def run_writes(size: int, directory: Path, env: dict, seconds: int) -> list[dict]:
    """Visitors' pages read-only and beside a steady write rate (on a copy of the data)."""
    if shutil.which("wrk") is None:
        return []
    print(f"== {size:,}: visitors' pages under writes", flush=True)
    rows_json = directory / "writes.json"
    command = [PYTHON, str(ROOT / "bench" / "writes_bench.py"), "--json", str(rows_json)]
    command += ["--database-url", env["DATABASE_URL"], "--index-dir", env["SEARCH_INDEX_DIR"]]
    subprocess.run([*command, "--seconds", str(seconds)], cwd=ROOT, env=env, check=True)
    return json.loads(rows_json.read_text())


def earlier_sizes(raw: Path, measured: set[int]) -> list[dict]:
    """Sizes a previous run measured and this one did not (a partial rerun keeps them)."""
    if not raw.exists():
        return []
    earlier = json.loads(raw.read_text())
    kept = [entry for entry in earlier["sizes"] if entry["size"] not in measured]
    for entry in kept:
        entry.setdefault("measured_on", earlier["date"])
    return kept


def keep_earlier_parts(raw: Path, measured: list[dict]) -> None:
    """Fill the parts this run left out (--parts) from the previous run of the same size,
    noting which and when (results.py says so under the size)."""
    if not raw.exists():
        return
    earlier = json.loads(raw.read_text())
    by_size = {entry["size"]: entry for entry in earlier["sizes"]}
    for entry in measured:
        before = by_size.get(entry["size"])
        if before is None:
            continue
        kept = [part for part in PARTS if entry.get(part) is None and before.get(part)]
        for part in kept:
            entry[part] = before[part]
        if kept:
            when = before.get("measured_on", earlier["date"])
            entry["earlier_parts"] = {"parts": kept, "measured_on": when}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="'' for the own-data scripts only")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page")
    parser.add_argument("--data-dir", default=str(ROOT / "bench" / "data"))
    parser.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    parser.add_argument(
        "--postgres",
        default=LOOPBACK_POSTGRES,
        help="PostgreSQL server for the own-data scripts ('' to skip)",
    )
    parser.add_argument(
        "--parts",
        default=",".join(PARTS),
        help=f"what to measure at each size, comma-separated, from {', '.join(PARTS)}",
    )
    parser.add_argument(
        "--reuse-index",
        action="store_true",
        help="use the kept data's index as it is, for the pages and the search bench (only "
        "when the search code is unchanged since it was built; their drains may apply pending "
        "changes to it, as a served worker would)",
    )
    args = parser.parse_args()
    unknown = set(args.parts.split(",")) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
    started = datetime.now(UTC)
    results = {
        "machine": machine(),
        "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        "command": " ".join([Path(PYTHON).name, *sys.argv]),
        "own_data": run_own_data(args.postgres),
        "sizes": [run_size(int(size), args) for size in args.sizes.split(",") if size],
    }
    raw = Path(args.out).with_suffix(".json")
    keep_earlier_parts(raw, results["sizes"])
    results["sizes"] += earlier_sizes(raw, {entry["size"] for entry in results["sizes"]})
    results["sizes"].sort(key=lambda entry: entry["size"])
    raw.write_text(json.dumps(results, indent=1))
    write_results(results, Path(args.out))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

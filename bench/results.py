"""Writes bench/RESULTS.md from the driver's results: machine, date, sizes, one table per path."""

import os
import platform
import re
import sqlite3
import subprocess
from pathlib import Path

PAGE_SHARE_TARGET = 0.20
PAGE_P95_TARGET_MS = 150.0
SEARCH_KIND_P95_TARGET_MS = 100.0
BELL_TARGET_MS = 1.0
POST_P50_TARGET_MS = 40.0
WORKER_RSS_TARGET_MB = 600.0
OWN_DATA_TITLE = "Bell count and password-reset timing"
# The sections this module writes; any other "## " section belongs to another script.
OWN_SECTION = re.compile(rf"## ([\d,]+ experiences[ \n]|{OWN_DATA_TITLE}[ \n])")
DATABASES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _first_line(command: list[str]) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=10)
    except OSError:
        return "unknown"
    return (result.stdout or result.stderr).strip().splitlines()[0]


def machine() -> dict:
    """What the figures were measured on (they mean little without it)."""
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kb / 1024 / 1024, 1),
        "system": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "wrk": _first_line(["wrk", "--version"]),
        "load_average_at_start": os.getloadavg(),
    }


def _ms(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def _pages_table(size: int, rows: list[dict] | None) -> list[str]:
    if rows is None:
        return ["Not run at this size (`run_all.py --parts`)."]
    if not rows:
        return ["Not measured: wrk is not installed (`apt-get install wrk`)."]
    judged = size >= 100_000
    lines = [
        "| page | reader | page cache | req/s | p50 ms | p95 ms | p99 ms | share of ceiling "
        "| errors | target |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    check, memory = None, []
    for row in rows:
        if "rss_mb" in row:
            memory.append(row)
            continue
        if "rps" not in row:
            check = row
            continue
        met = row["share"] >= PAGE_SHARE_TARGET and row["p95_ms"] <= PAGE_P95_TARGET_MS
        verdict = ("met" if met else "**missed**") if judged else "(judged at 100k)"
        cache = row.get("page_cache", "-")
        if row["path"].startswith("hello"):
            verdict = "ceiling"
        elif cache == "off":
            verdict = "(reference: " + ("within" if met else "outside") + " the target)"
        reader = row.get("reader", "-")
        lines.append(
            f"| {row['path']} | {reader} | {cache} | {row['rps']:,.0f} | {_ms(row['p50_ms'])} "
            f"| {_ms(row['p95_ms'])} | {_ms(row['p99_ms'])} | {row['share']:.0%} "
            f"| {row['errors']} | {verdict} |"
        )
    if check is not None:
        wrote = "none" if check["ok"] else "CHANGED: " + ", ".join(check["changes"])
        lines += ["", f"Writes to the database or index during these GETs: {wrote}."]
    for row in memory:
        if not row["rss_mb"]:
            continue
        worst = max(row["rss_mb"])
        met = "met" if worst <= WORKER_RSS_TARGET_MB else "**missed**"
        each = ", ".join(f"{size:,.0f} MB" for size in row["rss_mb"])
        lines += [
            "",
            f"Worker memory (RSS) after the page cache {row['page_cache']} run: {each} "
            f"(target ≤ {WORKER_RSS_TARGET_MB:.0f} MB per worker: {met}).",
        ]
    return lines


def _search_kinds_table(size: int, rows: list[dict] | None) -> list[str]:
    lines = ["### Search by kind (`bench/pages_bench.py --search-kinds`)", ""]
    if not rows:
        return [*lines, "Not measured (wrk missing, or a run before this table existed).", ""]
    lines += [
        "Each kind of query of the search mix on its own: a visitor's /search pages, "
        "`PAGE_CACHE_MB=0`, one wrk connection per worker (a request's own time, no queue). "
        f"Target at 100,000: p95 ≤ {SEARCH_KIND_P95_TARGET_MS:.0f} ms for every kind.",
        "",
        "| kind | distinct queries | req/s | p50 ms | p95 ms | p99 ms | errors | target |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        met = row["p95_ms"] <= SEARCH_KIND_P95_TARGET_MS
        verdict = ("met" if met else "**missed**") if size >= 100_000 else "(judged at 100k)"
        lines.append(
            f"| {row['kind']} | {row['queries']} | {row['rps']:,.1f} | {_ms(row['p50_ms'])} "
            f"| {_ms(row['p95_ms'])} | {_ms(row['p99_ms'])} | {row['errors']} | {verdict} |"
        )
    return [*lines, ""]


def _writes_table(rows: list[dict] | None) -> list[str]:
    lines = ["### Visitors' pages under writes (`bench/writes_bench.py`)", ""]
    if not rows:
        return [*lines, "Not measured (wrk missing, or a run before this table existed).", ""]
    lines += [
        "Each visitor page with pages kept, read-only and while one writer sends about 5 writes "
        'a second through the JSON API (on a copy of the data): replies and "me too" by '
        "turns; the same moving the content version after each write, as every write did "
        "before pages retired by what changed; and with one write in three a published story "
        "(which still retires every kept page).",
        "",
        "| page | writes | writes/s | req/s | p50 ms | p95 ms | share of ceiling | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        if row["path"].startswith("hello"):
            lines.append(
                f"| {row['path']} | - | - | {row['rps']:,.0f} | {_ms(row['p50_ms'])} "
                f"| {_ms(row['p95_ms'])} | 100% | {row['errors']} |"
            )
            continue
        rate = f"{row['writes_per_s']:.1f}" if "writes_per_s" in row else "0"
        errors = row["errors"] + row.get("write_errors", 0)
        lines.append(
            f"| {row['path']} | {row['writes']} | {rate} | {row['rps']:,.0f} "
            f"| {_ms(row['p50_ms'])} | {_ms(row['p95_ms'])} | {row['share']:.0%} | {errors} |"
        )
    return [*lines, ""]


def _earlier_parts(entry: dict) -> list[str]:
    earlier = entry.get("earlier_parts")
    if not earlier:
        return []
    parts = ", ".join(earlier["parts"])
    return [f"Kept from the run of {earlier['measured_on']} (not measured again): {parts}.", ""]


def _on_disk(load: dict) -> list[str]:
    if "index_mb" not in load:  # data loaded before its size was recorded
        return []
    return [
        f"On disk: the database {load['database_mb']:,.0f} MB, the search index "
        f"{load['index_mb']:,.0f} MB.",
        "",
    ]


def _timing_table(title: str, script: str, run: dict, digits: int = 1) -> list[str]:
    lines = [f"### {title} (`bench/{script}`)", ""]
    if run is None:
        return [*lines, "Not run at this size (`run_all.py --parts`).", ""]
    if run.get("missing"):
        return [*lines, f"Not run: `bench/{script}` does not exist yet.", ""]
    if not run["rows"]:
        return [*lines, "No timing lines (exit code {}); last output:".format(run["returncode"]),
                "", "```", run["output"][-1500:], "```", ""]  # fmt: skip
    lines += [
        "| path | n | p50 ms | p95 ms | ≈ req/s, one thread (1000/p50) |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in run["rows"]:
        # Build lines ("… docs/s") are one timing of a whole build, not a request rate.
        builds = "docs/s" in row["path"]
        rate = "-" if builds or not row["p50_ms"] else f"{1000 / row['p50_ms']:,.0f}"
        p50, p95 = _ms(row["p50_ms"], digits), _ms(row["p95_ms"], digits)
        lines.append(f"| {row['path']} | {row['n']} | {p50} | {p95} | {rate} |")
    return [*lines, "", f"Script took {run['seconds']} s.", ""]


def render(results: dict) -> str:
    """The whole RESULTS.md text."""
    box = results["machine"]
    load_average = ", ".join(f"{value:.2f}" for value in box["load_average_at_start"])
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` (`{results['command']}`) on {results['date']}.",
        "",
        f"- Machine: {box['cpu']}, {box['cores']} cores, {box['memory_gib']} GiB, {box['system']}",
        f"- Python {box['python']}, SQLite {box['sqlite']}, {box['wrk']}",
        f"- Load average when the run started: {load_average} (a shared machine: differences "
        "under ~30 % are noise)",
        "- Pages: gunicorn with 2 sync workers on 127.0.0.1, wrk -t2 -c16, each connection "
        "walking a list of paths (500 detail ids, the search issue's 200 queries, 50 insight "
        "groups); the share is the page's req/s over the bare Flask hello app served the same way "
        f"in the same run. Targets at 100,000: share ≥ {PAGE_SHARE_TARGET:.0%}, "
        f"p95 ≤ {PAGE_P95_TARGET_MS:.0f} ms. Each page is measured as configured (page cache "
        "on: visitors' whole pages and members' shared content kept per worker, made once per "
        "worker during the 2 s warm-up or the run, retired by the writes that change what they "
        "show), for a visitor and for "
        "a signed-in member (bench/member_session.py: a demo member's cookie; their own "
        'insights group, notifications and "my experiences" added), and for a visitor with '
        "`PAGE_CACHE_MB=0`, which is what a page costs when it is made (list totals stay "
        "remembered between writes). Each server is "
        "measured after every worker has had its first request and 15 s to build its insights "
        "in the background (forum/insights/warm_up.py), so the figures are the steady state.",
        "- Posting: `POST /api/v1/experiences` in one process on a copy of the data, app time "
        f"(the request log's duration_ms); target at 100,000: p50 ≤ {POST_P50_TARGET_MS:.0f} ms "
        '(issue 20). "served" is a served worker (its background drainer applies the index '
        'changes after the request), "at once" a process without one (the CLI).',
        "",
    ]
    for entry in results["sizes"]:
        load = entry["load"]
        earlier = f" (from the run of {entry['measured_on']})" if "measured_on" in entry else ""
        lines += [
            f"## {entry['size']:,} experiences{earlier}",
            "",
            f"Loaded with `flask --app app forum seed-demo --count {entry['size']}` in "
            f"{load['seed_seconds']} s wall time (SQLite, indexed; {load['measured_at']}, load "
            f"average {load['load_average'][0]} → {load['load_average'][1]}): "
            f"{load['seed_output']}",
            "",
            *_on_disk(load),
            *_earlier_parts(entry),
            "### Pages under gunicorn + wrk (`bench/pages_bench.py`)",
            "",
            *_pages_table(entry["size"], entry.get("pages")),
            "",
            *_search_kinds_table(entry["size"], entry.get("search_kinds")),
            *_writes_table(entry.get("writes")),
            *_timing_table("Search", "search_bench.py", entry.get("search")),
            *_timing_table("Insights", "insights_bench.py", entry.get("insights")),
        ]
        if "posting" in entry:  # sizes kept from runs before bench/post_bench.py have none
            lines += _timing_table("Posting", "post_bench.py", entry["posting"])
    if "own_data" in results:
        lines += _own_data_section(results["own_data"])
    return "\n".join(lines) + "\n"


def _row(run: dict, words: str) -> dict | None:
    return next((row for row in run.get("rows", []) if words in row["path"]), None)


def _bell_verdict(run: dict) -> str:
    counts = [row for row in run.get("rows", []) if row["path"].startswith("bell count")]
    if not counts:
        return "not measured"
    worst = max(row["p50_ms"] for row in counts)
    met = "met" if worst <= BELL_TARGET_MS else "**missed**"
    return f"{met} (slowest p50 {worst:.3f} ms)"


def _reset_verdict(run: dict) -> str:
    known, unknown = _row(run, "known address"), _row(run, "unknown address")
    again = _row(run, "second sample")
    if not (known and unknown and again):
        return "not measured"
    return (
        f"known − unknown: p50 {known['p50_ms'] - unknown['p50_ms']:+.3f} ms, p95 "
        f"{known['p95_ms'] - unknown['p95_ms']:+.3f} ms; two samples of unknown addresses "
        f"differ by p50 {again['p50_ms'] - unknown['p50_ms']:+.3f} ms, "
        f"p95 {again['p95_ms'] - unknown['p95_ms']:+.3f} ms (the noise)"
    )


def _own_data_section(own: dict) -> list[str]:
    """The bell and reset figures: data of their own, the same whatever the size."""
    lines = [
        f"## {OWN_DATA_TITLE}",
        "",
        "Each script seeds data of its own (a temporary SQLite file; a scratch database on the "
        "PostgreSQL server) and times calls in-process, one at a time. The bell's count runs on "
        f"every signed-in page: target ≤ {BELL_TARGET_MS:.0f} ms added (issue 17), judged on "
        "p50 (p95 on this shared machine mostly follows its load: compare the bare SELECT 1). "
        "The password reset must take the same time for a member's address and an unknown one.",
        "",
    ]
    for database, run in own.get("bell", {}).items():
        lines.append(f"- Bell, {DATABASES[database]}: {_bell_verdict(run)}")
    for database, run in own.get("reset", {}).items():
        lines.append(f"- Password reset, {DATABASES[database]}: {_reset_verdict(run)}")
    if own.get("note"):  # how a run outside `make bench` was made
        lines += ["", own["note"]]
    lines.append("")
    for key, title, script in (
        ("bell", "Bell count", "bell_count.py"),
        ("reset", "Password reset, known and unknown addresses", "reset_timing.py"),
    ):
        for database, run in own.get(key, {}).items():
            lines += _timing_table(f"{title}, {DATABASES[database]}", script, run, digits=3)
    return lines


def _other_sections(old: str) -> list[str]:
    """Sections other scripts own (e.g. "## Load and faults"), kept as they are."""
    sections = re.split(r"^(?=## )", old, flags=re.M)[1:]
    return [section for section in sections if not OWN_SECTION.match(section)]


def write_results(results: dict, path: Path) -> None:
    """Write this driver's part of RESULTS.md; sections written by other scripts stay."""
    kept = _other_sections(path.read_text()) if path.exists() else []
    text = render(results).rstrip("\n") + "\n"
    text += "".join("\n" + section.rstrip("\n") + "\n" for section in kept)
    path.write_text(text)

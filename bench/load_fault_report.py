"""Figures of bench/load_fault.py: failures classified against the kill, throughput and
latency per kind of request, and its own section of bench/RESULTS.md."""

import math
import re
from collections import Counter
from pathlib import Path

from bench.load_fault_clients import MIX, Record

SECTION_TITLE = "## Load and faults"
# A connection that the killed worker had accepted but not yet read leaves no ledger line;
# such a loss counts as the kill's only when it ends this soon after the kill.
KILL_WINDOW_SECONDS = 2.0
LOST_ON_VICTIM = "connection lost: request in flight on the killed worker (ledger)"
LOST_UNREAD = "connection lost at the kill, before any worker had read the request"
EXPECTED_CONFLICT = "409 on approve: another client approved it first (expected)"


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def read_ledgers(directory: Path) -> dict[int, dict[str, str]]:
    """{worker pid: {request id: "METHOD path"}} from the ledger files of bench/load_fault_app."""
    ledgers = {}
    for path in directory.glob("*.log"):
        entries = {}
        for line in path.read_text().splitlines():
            parts = line.split(" ", 3)
            if len(parts) == 4:
                entries[parts[1]] = f"{parts[2]} {parts[3]}"
        ledgers[int(path.stem)] = entries
    return ledgers


def classify(record: Record, kill: dict, ledgers: dict[int, dict[str, str]]) -> str:
    """'ok', or why a request did not succeed: expected, caused by the kill, or a failure."""
    if record.status is not None:
        if 200 <= record.status < 400:
            return "ok"
        if record.status == 409 and record.kind in ("approve", "approve_reply"):
            return EXPECTED_CONFLICT
        return f"FAILURE: {record.kind} answered {record.status}"
    killed_at = kill.get("at")
    victim = ledgers.get(kill.get("pid"), {})
    if killed_at is not None and record.ended >= killed_at:
        if record.request_id in victim and record.started <= killed_at:
            return LOST_ON_VICTIM
        read_by_someone = any(record.request_id in entries for entries in ledgers.values())
        soon_after = record.ended - killed_at <= KILL_WINDOW_SECONDS
        at_the_kill = record.started <= killed_at and soon_after
        if not read_by_someone and at_the_kill:
            return LOST_UNREAD
    return f"FAILURE: {record.kind} got no answer ({record.error})"


SERVER_TIME = re.compile(r"request_id=(\S+) .*? duration_ms=([0-9.]+)")


def server_times(log_text: str) -> dict[str, float]:
    """{request id: ms the app spent on it}, from the app's one log line per request."""
    return {match[1]: float(match[2]) for match in SERVER_TIME.finditer(log_text)}


def kind_rows(records: list[Record], seconds: float, spent: dict[str, float]) -> list[dict]:
    """Per kind: requests, req/s over the run, p50/p95/p99/max of the answered ones as the
    clients saw them (queueing for a free worker included), p50/p95 inside the app."""
    rows = []
    kinds = [kind for kind in (*MIX, "queue") if kind != "approve"] + ["approve", "approve_reply"]
    for kind in [*kinds, "all"]:
        chosen = [r for r in records if kind in ("all", r.kind)]
        if not chosen:
            continue
        latencies = [r.latency_ms for r in chosen if r.status is not None]
        inside = [spent[r.request_id] for r in chosen if r.request_id in spent]
        rows.append(
            {
                "kind": kind,
                "requests": len(chosen),
                "rps": len(chosen) / seconds,
                "p50_ms": percentile(latencies, 0.50),
                "p95_ms": percentile(latencies, 0.95),
                "p99_ms": percentile(latencies, 0.99),
                "max_ms": max(latencies, default=0.0),
                "app_p50_ms": percentile(inside, 0.50),
                "app_p95_ms": percentile(inside, 0.95),
            }
        )
    return rows


def timeline(records: list[Record], seconds: float, slice_seconds: float = 5.0) -> list[str]:
    """Answered requests per second in each slice of the run (shows the dip at the kill)."""
    slices = Counter(int(r.ended // slice_seconds) for r in records if r.status is not None)
    rates = []
    for index in range(int(seconds // slice_seconds) + 1):
        # The last slice is cut short by the end of the run.
        length = min(slice_seconds, seconds - index * slice_seconds)
        if length >= 0.5:
            rates.append(f"{slices.get(index, 0) / length:.0f}")
    return rates


def mail_table(m: dict) -> list[str]:
    """The mail figures: committed, before and after the kill, lost, twice, the outbox after."""
    k = m["kill"]
    waiting = len(k["queued_after"]) + len(k["claimed_unsent"])
    kinds = ", ".join(f"{kind} {count}" for kind, count in m["kinds"])
    twice = f"**{m['twice']}**" + (" (the one in flight at the kill)" if m["twice"] == 1 else "")
    statuses = ", ".join(f"{count} `{status}`" for status, count in m["statuses"].items())
    return [
        "| | messages |",
        "|---|---|",
        f"| committed to the outbox ({kinds}) | {m['committed']} |",
        f"| received by the SMTP server before the kill | {k['received_before']} |",
        f"| waiting in the outbox after the kill ({len(k['queued_after'])} `queued`, "
        f"{len(k['claimed_unsent'])} `sending` under the killed worker's lease; of "
        f"{k['committed_at_kill']} committed by then) | {waiting} |",
        "| received after the restart (those, and all mail committed since) "
        f"| {m['received'] - k['received_before']} |",
        f"| of which recorded by the sweep, `forum send-digests` (at-once mail of tasks cut "
        f"off by a kill) | {m['swept']} |",
        f"| lost | **{m['lost']}** |",
        f"| received twice | {twice} |",
        f"| outbox afterwards | {statuses} |",
    ]


def section(summary: dict) -> str:
    """The markdown of the "Load and faults" section."""
    s = summary
    m = s["mail"]
    mk = m["kill"]
    mail_delay_ms = round(m["delay"] * 1000)
    lines = [
        SECTION_TITLE,
        "",
        f"Written by `{s['command']}` on {s['date']} (`bench/load_fault.py`).",
        "",
        f"- Machine: {s['machine']}; load average {s['load_before']} before the run, "
        f"{s['load_after']} after it (shared and loaded: these figures are what it gave).",
        f"- gunicorn, {s['workers']} sync workers on 127.0.0.1, FORUM_ENV=production, "
        f"PostgreSQL {s['postgres']} (scratch database), Redis (db 14) for the limits and the "
        f"mail queue, a fresh search index; rate limits {s['limits']}; TRUST_THRESHOLD "
        f"{s['trust_threshold']}.",
        f"- {s['clients']} client threads for {s['seconds']:.0f} s, each a member walking the "
        'mix (post, approve via the moderation queue, reply naming other members, "me too", '
        "search and read the API and the pages), one request per connection.",
        f"- Mail: a real SMTP server (aiosmtpd on 127.0.0.1, {mail_delay_ms} ms per message) and "
        "the documented worker `flask --app app forum mail-worker` (RQ on the same Redis "
        f"database, MAIL_LEASE_SECONDS={m['lease']}, MAIL_POLL_SECONDS={m['poll']}). The members "
        "verified their addresses through the links mailed at registration and chose e-mail at "
        "once for every kind, so the clients' replies (to the author, the watchers and the "
        'members named), "me too" and approvals are mailed.',
        f"- Fault: SIGKILL of worker {s['kill']['pid']} at {s['kill']['at']:.1f} s "
        f"({s['kill']['chosen_because']}); gunicorn had a new worker after "
        f"{s['kill']['respawn_seconds']} s, which answered its first request of the run at "
        f"{s['kill']['new_worker_first']} (it boots the app first). A sync worker serves one "
        "request at a time, so a kill cuts off that request, and at most a connection it had "
        "accepted but not yet read.",
        f"- Mail fault: at {mk['batch_at']:.1f} s a batch of {m['batch']} messages was committed "
        "in one transaction through `forum.mail.queue_message` (`python -m "
        f"bench.load_fault_mail {m['batch']}`, committed at {mk['batch_committed_at']:.1f} s); "
        f"SIGKILL of mail worker {mk['pid']} at {mk['at']:.1f} s, once "
        f"{mk['batch_received_before']} of the batch had arrived, with "
        f"{len(mk['claimed_unsent'])} messages claimed by it and not yet marked sent; a new "
        f"`forum mail-worker` was started at {mk['restarted_at']:.1f} s (a supervisor's "
        "restart); the killed worker's claims wait for their lease to run out.",
        "",
        f"Throughput: **{s['throughput']:.1f} requests/s** overall "
        f"({s['total_requests']} requests). Answered per second in 5-s slices: "
        f"{' · '.join(s['timeline'])}.",
        "",
        "Latency as the clients saw it (waiting for one of the workers included), and the "
        "time inside the app (`duration_ms` of its request log line):",
        "",
        "| request | n | req/s | p50 ms | p95 ms | p99 ms | max ms | app p50 ms | app p95 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in s["kinds"]:
        lines.append(
            f"| {row['kind']} | {row['requests']} | {row['rps']:.1f} | {row['p50_ms']:.0f} "
            f"| {row['p95_ms']:.0f} | {row['p99_ms']:.0f} | {row['max_ms']:.0f} "
            f"| {row['app_p50_ms']:.0f} | {row['app_p95_ms']:.0f} |"
        )
    lines += ["", "Outcomes of every request (the run's, then the final approvals and checks):", ""]
    lines += [f"- {what}: {count}" for what, count in s["outcomes"]]
    lines += ["", "Mail (the outbox in PostgreSQL against what the SMTP server received):", ""]
    lines += mail_table(m)
    lines += ["", "Proofs:", ""]
    for name, proof in s["proofs"].items():
        lines.append(f"- {'PASSED' if proof['passed'] else '**FAILED**'} ({name}): {proof['text']}")
    return "\n".join(lines) + "\n"


def write_section(path: Path, text: str) -> None:
    """Replace this script's section of RESULTS.md (or append it); leave the rest alone."""
    old = path.read_text() if path.exists() else "# Benchmark results\n"
    pattern = re.compile(rf"^{re.escape(SECTION_TITLE)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(old):
        new = pattern.sub(lambda _: text + "\n", old, count=1)
    else:
        new = old.rstrip("\n") + "\n\n" + text
    path.write_text(new.rstrip("\n") + "\n")

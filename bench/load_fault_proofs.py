"""After the load of bench/load_fault.py: approve what is left, then prove (a) acknowledged
posts are in PostgreSQL, (b) every published one is found by search within 2 s and the index
matches the database, (c) every failed request was in flight on the killed worker, (d) every
message committed to the mail outbox arrived at the SMTP server, at most one twice (the one in
flight when the mail worker was killed), and every row of the outbox ends `sent`."""

import re
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import psycopg

from bench.load_fault_clients import MARKER, Shared, approval, call
from bench.load_fault_mail import MailFault, mail_key, outbox, received_key
from bench.load_fault_report import (
    LOST_ON_VICTIM,
    LOST_UNREAD,
    classify,
    kind_rows,
    section,
    server_times,
    timeline,
    write_section,
)
from bench.load_fault_server import Server, psycopg_url, run_flask
from bench.results import machine

SEARCH_WAIT_SECONDS = 2.0
# The moderation log's target type behind each approving request.
APPROVED_TYPES = {"approve": "experience", "approve_reply": "reply"}
# How long the mail worker may take to deliver what the run left waiting (it falls behind
# under the load, by design of the slow SMTP server).
MAIL_SETTLE_SECONDS = 600
SWEEP_LINE = re.compile(r"Queued (\d+) digests and (\d+) other e-mails")
WORD = re.compile(r"\bzq[a-z]+qz\b")
# gunicorn's own line about the worker this script killed is expected in its log.
KILL_LINE = re.compile(r"Worker \(pid:\d+\) was sent SIGKILL")
# Where a log record starts: the app's "2026-…" lines and gunicorn's "[2026-…" ones.
LOG_LINE_START = re.compile(r"\[?\d{4}-\d\d-\d\d ")


def listed(ids: list) -> str:
    """Ids for the report: 'none', or at most 20 of them and how many in all."""
    if not ids:
        return "none"
    shown = ", ".join(map(str, ids[:20]))
    return shown if len(ids) <= 20 else f"{shown}, … ({len(ids)} in all)"


def approve_the_rest(final: Shared, deadline: float) -> int:
    """Approve every experience and reply still pending (as the moderator); returns how many."""
    approved = 0
    while time.monotonic() < deadline:
        path = "/api/v1/moderation/queue?kind=pending&per_page=100"
        record, data = call(final, "queue", f"lf-final-q-{approved}", "GET", path,
                            final.moderator_token)  # fmt: skip
        items = data.get("items") if record.status == 200 and isinstance(data, dict) else None
        if not items:
            return approved
        for item in items:
            kind, path, body = approval(item)
            request_id = f"lf-final-{'a' if kind == 'approve' else 'r'}-{item['id']}"
            record, _ = call(final, kind, request_id, "POST", path, final.moderator_token, body)
            approved += record.status == 200
    raise RuntimeError("the moderation queue did not empty in time")


def database_rows(database_url: str) -> dict[int, tuple[str, str]]:
    """{id: (title, status)} of every experience, read from PostgreSQL directly."""
    with psycopg.connect(psycopg_url(database_url)) as connection:
        rows = connection.execute("SELECT id, title, status FROM experiences").fetchall()
    return {row[0]: (row[1], row[2]) for row in rows}


def search_total(final: Shared, query: str) -> int | None:
    path = "/api/v1/search?" + urllib.parse.urlencode({"q": query, "per_page": 1})
    record, data = call(final, "final_search", f"lf-final-m-{time.monotonic_ns()}", "GET", path)
    return data["total"] if record.status == 200 and isinstance(data, dict) else None


def found_by_word(final: Shared, experience_id: int, word: str) -> bool:
    path = "/api/v1/search?" + urllib.parse.urlencode({"q": word})
    record, data = call(final, "final_search", f"lf-final-w-{experience_id}", "GET", path)
    if record.status != 200 or not isinstance(data, dict):
        return False
    return [hit["experience"]["id"] for hit in data["items"]] == [experience_id]


def prove_posts_stored(shared: Shared, rows: dict) -> dict:
    acknowledged = shared.created
    missing = [i for i in acknowledged if i not in rows]
    altered = [i for i in acknowledged if i in rows and rows[i][0] != acknowledged[i]["title"]]
    unacknowledged = sorted(set(rows) - set(acknowledged))
    text = (
        f"{len(acknowledged)} experiences got a 201; {len(acknowledged) - len(missing)} are in "
        f"PostgreSQL with the title sent (missing: {listed(missing)}, altered: "
        f"{listed(altered)}). {len(unacknowledged)} more rows exist whose 201 never arrived "
        f"(committed by the killed worker before it died: {listed(unacknowledged)})."
    )
    return {"passed": not missing and not altered, "text": text}


def prove_searchable(final: Shared, database_url: str, env: dict, shared: Shared) -> dict:
    """Wait at most 2 s for the marker count, then look up every published one by its word."""
    started = time.monotonic()
    rows = database_rows(database_url)
    published = {i: title for i, (title, status) in rows.items() if status == "published"}
    total = search_total(final, MARKER)
    while total != len(published) and time.monotonic() - started < SEARCH_WAIT_SECONDS:
        time.sleep(0.05)
        total = search_total(final, MARKER)
    settled = time.monotonic() - started
    words = {i: WORD.search(title).group(0) for i, title in published.items()}
    with ThreadPoolExecutor(max_workers=8) as pool:
        checks = pool.map(lambda i: found_by_word(final, i, words[i]), words)
        found = dict(zip(words, checks, strict=True))
    lost = sorted(i for i, ok in found.items() if not ok)
    approved = shared.approved | final.approved
    not_published = sorted(i for i in approved if rows.get(i, ("", ""))[1] != "published")
    check = run_flask(env, "forum", "check-index", "--dry-run", timeout=180, check=False)
    matches = check == "The search index matches the database."
    unpublished_shown = sorted(shared.unpublished_in_search)
    passed = total == len(published) and not lost and not not_published and matches
    passed = passed and not unpublished_shown
    text = (
        f"{len(published)} published ({len(approved)} approved by a 200 during or after the run, "
        f"the rest published at once by trusted authors); the search for the run's marker "
        f"counted {total} after {settled:.2f} s (limit {SEARCH_WAIT_SECONDS:.0f} s); "
        f"{len(published) - len(lost)} found by their title's unique word (not found: "
        f"{listed(lost)}); approved but not published: {listed(not_published)}; "
        f"unpublished ones shown by search during the run: {listed(unpublished_shown)}; "
        f"`forum check-index --dry-run`: {check.splitlines()[-1] if check else '(no output)'}"
    )
    return {"passed": passed, "text": text}


def approval_target(record) -> tuple[str, int] | None:
    """(target type, id) in the moderation log of an approving request; None for others."""
    target_type = APPROVED_TYPES.get(record.kind)
    return (target_type, int(record.path.split("/")[-2])) if target_type else None


def approvals_logged(database_url: str) -> Counter:
    """{(target type, id): approvals in the moderation log}, read from PostgreSQL directly."""
    query = (
        "SELECT target_type, target_id, count(*) FROM moderation_log "
        "WHERE action = 'approve' GROUP BY target_type, target_id"
    )
    with psycopg.connect(psycopg_url(database_url)) as connection:
        rows = connection.execute(query).fetchall()
    return Counter({(target_type, target_id): count for target_type, target_id, count in rows})


def targets(approvals) -> list[str]:
    """(target type, id) pairs for the report, in order: "reply 12"."""
    return [f"{target_type} {target_id}" for target_type, target_id in sorted(approvals)]


def describe_lost(lost: list, approvals: Counter, acknowledged: set[tuple]) -> list[str]:
    """Each request the kill cut off, and whether the killed worker committed its change."""
    described = []
    for record in lost:
        what = f"{record.kind} {record.path}"
        if (target := approval_target(record)) is not None:
            committed = approvals[target] == 1 and target not in acknowledged
            what += (
                " (the killed worker had committed the approval; the outbox brought it to search)"
                if committed
                else " (not committed; approved again afterwards)"
            )
        elif record.kind == "post":
            what += " (see (a) for rows that never got their 201)"
        described.append(what)
    return described


def prove_no_other_failures(
    records: list, kill: dict, ledgers: dict, log_text: str, approvals: Counter,
    acknowledged: set[tuple],
) -> dict:  # fmt: skip
    outcomes = Counter(classify(record, kill, ledgers) for record in records)
    lost = [r for r in records if classify(r, kill, ledgers) in (LOST_ON_VICTIM, LOST_UNREAD)]
    failures = {what: n for what, n in outcomes.items() if what.startswith("FAILURE")}
    # A 409 is expected only if the item was approved by someone else, exactly once.
    lost_races = {approval_target(r) for r in records if approval_target(r) and r.status == 409}
    unexplained = targets(target for target in lost_races if approvals[target] != 1)
    doubled = targets(target for target, count in approvals.items() if count > 1)
    served_new = sum(1 for record in records if record.worker == kill.get("new_pid"))
    tracebacks = log_text.count("Traceback")
    errors = [line for line in log_text.splitlines()
              if " ERROR " in line or "[ERROR]" in line]  # fmt: skip
    unexpected_errors = [line for line in errors if not KILL_LINE.search(line)]
    passed = not failures and not unexplained and not doubled
    passed = passed and kill.get("new_pid") is not None and served_new > 0
    passed = passed and not tracebacks and not unexpected_errors
    text = (
        f"cut off by the kill: {describe_lost(lost, approvals, acknowledged) or 'none'}; "
        f"failures other than the kill's: {failures or 'none'}; each of the {len(lost_races)} "
        f"experiences and replies behind a 409 was approved exactly once by another request (not: "
        f"{listed(unexplained)}); approved twice: {listed(doubled)}; the replacement worker "
        f"{kill.get('new_pid')} answered {served_new} requests; server log: {tracebacks} "
        f"tracebacks, {len(unexpected_errors)} error lines besides the kill "
        f"({unexpected_errors[:3] or 'none'})"
    )
    return {"passed": passed, "text": text, "outcomes": outcomes}


def unmailed_notifications(database_url: str) -> int:
    """Notifications never mailed (the run's members want every kind at once)."""
    query = "SELECT count(*) FROM notifications WHERE mailed_at IS NULL"
    with psycopg.connect(psycopg_url(database_url)) as connection:
        return connection.execute(query).fetchone()[0]


def prove_mail_delivered(mail: MailFault, env: dict) -> dict:
    """Once the worker has delivered what is waiting (and the notification sweep has recorded
    what a killed task did not): compare the outbox with what the SMTP server received."""
    started = time.monotonic()
    settled = mail.settle(started + MAIL_SETTLE_SECONDS)
    # An after-commit task cut off by a kill (the mail worker's, or a web worker's before it
    # enqueued one) leaves at-once notifications unmailed; the sweep cron runs records them.
    sweep = run_flask(env, "forum", "send-digests", timeout=180, check=False)
    swept = SWEEP_LINE.search(sweep)
    settled = settled and swept is not None and mail.settle(started + MAIL_SETTLE_SECONDS)
    settle_seconds = time.monotonic() - started
    rows = outbox(mail.database_url)
    committed = Counter(mail_key(to, subject, text) for _, to, subject, text, _, _ in rows)
    received = Counter(received_key(message) for message in mail.smtp.messages)
    lost = committed - received
    extra = received - committed
    strangers = sum(count for key, count in extra.items() if key not in committed)
    twice = {key: count for key, count in extra.items() if key in committed}
    kill = mail.kill
    in_flight = {mail_key(*row[1:4]) for row in rows if row[0] in kill["claimed_unsent"]}
    twice_not_in_flight = [key for key in twice if key not in in_flight]
    statuses = Counter(row[4] for row in rows)
    mid_batch = bool(kill["claimed_unsent"]) and kill["batch_received_before"] < mail.batch
    unmailed = unmailed_notifications(mail.database_url)
    passed = settled and mid_batch and not lost and sum(twice.values()) <= 1
    passed = passed and not twice_not_in_flight and not strangers
    passed = passed and statuses == Counter(sent=len(rows))
    lost_subjects = [key[1] for key in lost][:5]
    twice_why = ""
    if twice:
        twice_why = (
            " (claimed by the killed worker: the message in flight)"
            if not twice_not_in_flight
            else f" (NOT claimed by the killed worker: {[key[1] for key in twice_not_in_flight]})"
        )
    text = (
        f"{len(rows)} messages committed to the outbox ({len(committed)} distinct by address, "
        f"subject and text); the mail worker was killed with "
        f"{len(kill['claimed_unsent'])} of them claimed and not yet marked sent (mid-batch: "
        f"{'yes' if mid_batch else 'NO'}); {len(mail.smtp.messages)} arrived at the SMTP server, "
        f"{sum(lost.values())} committed ones never did ({lost_subjects or 'none'}); "
        f"{sum(twice.values())} arrived twice{twice_why}; {strangers} arrived that the outbox "
        f"does not hold; outbox afterwards: {dict(statuses)}; all delivered "
        f"{settle_seconds:.0f} s after this check began waiting (limit {MAIL_SETTLE_SECONDS} s); "
        f"the sweep (`forum send-digests`): {sweep.splitlines()[-1] if sweep else '(no output)'}; "
        f"notifications never mailed: {unmailed}"
    )
    figures = {
        "committed": len(rows),
        "kinds": sorted(Counter(row[5] for row in rows).items(), key=lambda item: -item[1]),
        "received": len(mail.smtp.messages),
        "lost": sum(lost.values()),
        "twice": sum(twice.values()),
        "statuses": dict(statuses),
        "swept": int(swept.group(2)) if swept else None,
    }
    return {"passed": passed, "text": text, "figures": figures}


def print_tracebacks(log_text: str) -> None:
    """Each traceback of the server log with the line that announced it (to stdout only)."""
    lines, shown = log_text.splitlines(), 0
    for index, line in enumerate(lines):
        if line.startswith("Traceback") and shown < 5:
            shown += 1
            end = index + 1
            while end < len(lines) and not LOG_LINE_START.match(lines[end]):
                end += 1
            print("\n".join(lines[max(0, index - 1) : end]), "\n", flush=True)


def prove_all(args, server: Server, env: dict, shared: Shared, kill: dict, duration: float,
              ledgers: dict, load_before: tuple, mail: MailFault) -> bool:  # fmt: skip
    """Run the proofs, print the summary, write the RESULTS.md section; True when all pass."""
    final = Shared(port=server.port, origin=shared.origin, moderator_token=shared.moderator_token)
    approve_the_rest(final, deadline=time.monotonic() + 120)
    final.approved = {int(r.request_id.rsplit("-", 1)[1]) for r in final.records
                      if r.kind == "approve" and r.status == 200}  # fmt: skip
    database_url = env["DATABASE_URL"]
    proofs = {"a": prove_posts_stored(shared, database_rows(database_url))}
    proofs["b"] = prove_searchable(final, database_url, env, shared)
    records = shared.records + final.records
    log_text = server.log_tail(10**7)
    approvals = approvals_logged(database_url)
    acknowledged = {approval_target(r) for r in records if approval_target(r) and r.status == 200}
    proofs["c"] = prove_no_other_failures(records, kill, ledgers, log_text, approvals, acknowledged)
    outcomes = proofs["c"].pop("outcomes")
    proofs["d"] = prove_mail_delivered(mail, env)
    mail_figures = proofs["d"].pop("figures")
    print_tracebacks(log_text)
    kill["new_worker_first"] = min(
        (f"{r.started:.1f} s" for r in shared.records if r.worker == kill.get("new_pid")),
        default="never (not during the run)",
    )
    with psycopg.connect(psycopg_url(database_url)) as connection:
        postgres = connection.execute("SELECT current_setting('server_version')").fetchone()[0]
    box = machine()
    summary = {
        "command": "make load-fault",
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{box['cpu']}, {box['cores']} cores, {box['memory_gib']} GiB",
        "load_before": ", ".join(f"{v:.2f}" for v in load_before),
        "load_after": ", ".join(f"{v:.2f}" for v in box["load_average_at_start"]),
        "workers": args.workers,
        "postgres": postgres,
        "limits": f"on (Redis), every RATELIMIT_* rate set to '{env['RATELIMIT_POST']}'",
        "trust_threshold": env.get("TRUST_THRESHOLD", "3 (default)"),
        "clients": args.clients,
        "seconds": duration,
        "kill": kill,
        "throughput": len(shared.records) / duration,
        "total_requests": len(shared.records),
        "timeline": timeline(shared.records, duration),
        "kinds": kind_rows(shared.records, duration, server_times(log_text)),
        "outcomes": sorted(outcomes.items(), key=lambda item: -item[1]),
        "mail": {
            **mail_figures,
            "kill": mail.kill,
            "batch": mail.batch,
            "delay": mail.smtp.collector.delay,
            "lease": env["MAIL_LEASE_SECONDS"],
            "poll": env["MAIL_POLL_SECONDS"],
        },
        "proofs": proofs,
    }
    text = section(summary)
    print(text)
    if not args.no_results:
        write_section(args.results, text)
        print(f"== wrote the 'Load and faults' section of {args.results}")
    return all(proof["passed"] for proof in proofs.values())

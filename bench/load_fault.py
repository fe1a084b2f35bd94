"""Load and faults: 16 clients against gunicorn (4 workers, PostgreSQL, Redis) for 60 s, the
mail worker killed with SIGKILL in the middle of a batch at a quarter of the run and one web
worker halfway; then proofs that nothing acknowledged was lost and no mail either.

    .venv/bin/python bench/load_fault.py                 # make load-fault
    .venv/bin/python bench/load_fault.py --seconds 20 --no-results

Loopback only. Creates a scratch PostgreSQL database (loadfault_<pid>, dropped at the end),
flushes Redis db 14, and serves the forum from a fresh search index in a temporary directory,
in production mode, through bench/load_fault_app.py (which tells which worker served each
request). Rate limits stay on, in Redis, each set to LIMIT_RATE so that they never refuse.
Mail goes over SMTP to a real server on loopback, through `flask forum mail-worker` (see
bench/load_fault_mail.py): the members' verification links, and the e-mail at once of the
clients' replies, "me too" and approvals; a batch committed at --mail-batch-at is what the worker
is killed in. Proves (a) every experience that got a 201 is in PostgreSQL, (b) once every
pending one is approved, each published experience is found by search under its title's unique
word within 2 s and the index matches the database, (c) every request that failed was in flight
on the killed worker, (d) every message committed to the outbox arrived at the SMTP server, at
most one twice (the one in flight at the kill), and the outbox ends with every message sent.
Writes the "Load and faults" section of bench/RESULTS.md; exits 1 when a proof fails.
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load_fault_clients import Client, Shared  # noqa: E402
from bench.load_fault_mail import MailFault, mail_environment, start_smtp  # noqa: E402
from bench.load_fault_proofs import prove_all  # noqa: E402
from bench.load_fault_report import read_ledgers  # noqa: E402
from bench.load_fault_server import Server, scratch_database, setup_members  # noqa: E402
from forum.config import RATE_LIMIT_DEFAULTS  # noqa: E402
from forum.search.index.storage import WRITE_LOCK  # noqa: E402

LIMIT_RATE = "1000000 per minute"
LOOPBACK = "127.0.0.1"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--kill-at", type=float, help="seconds into the run (default: half)")
    parser.add_argument(
        "--mail-batch-at",
        type=float,
        help="seconds into the run to commit the mail batch (default: a quarter)",
    )
    parser.add_argument(
        "--mail-batch",
        type=int,
        default=300,
        help="messages committed at once, the batch the mail worker dies in",
    )
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--postgres", default=f"postgresql+psycopg://postgres@{LOOPBACK}:5432")
    parser.add_argument("--redis-url", default=f"redis://{LOOPBACK}:6379/14")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--no-results", action="store_true", help="do not touch RESULTS.md")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    for url in (args.postgres, args.redis_url):
        if f"@{LOOPBACK}:" not in url and f"//{LOOPBACK}:" not in url:
            parser.error(f"loopback only: {url} is not on {LOOPBACK}")
    args.kill_at = args.seconds / 2 if args.kill_at is None else args.kill_at
    args.mail_batch_at = args.seconds / 4 if args.mail_batch_at is None else args.mail_batch_at
    return args


def server_environment(args, database_url: str, workdir: Path, mail: dict) -> dict:
    env = {
        **os.environ,
        "FORUM_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": database_url,
        "REDIS_URL": args.redis_url,
        "SEARCH_INDEX_DIR": str(workdir / "search-index"),
        "FORUM_INSTANCE_PATH": str(workdir / "instance"),
        "LOAD_FAULT_LEDGER_DIR": str(workdir / "ledger"),
        "RATELIMIT_ENABLED": "1",
        **mail,
    }
    env.update(dict.fromkeys(RATE_LIMIT_DEFAULTS, LIMIT_RATE))
    return env


def index_lock_holder(index_dir: Path) -> int | None:
    """The pid holding the search index's writer lock (an flock) now, from /proc/locks."""
    try:
        inode = (index_dir / WRITE_LOCK).stat().st_ino
    except OSError:
        return None
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        # "1: FLOCK  ADVISORY  WRITE <pid> <major>:<minor>:<inode> 0 EOF"
        if len(fields) >= 6 and fields[1] == "FLOCK" and fields[5].endswith(f":{inode}"):
            return int(fields[4])
    return None


def last_request(ledger_dir: Path, pid: int, shared: Shared) -> tuple[str, bool]:
    """The worker's latest request ("METHOD path") and whether it is still unanswered."""
    path = ledger_dir / f"{pid}.log"
    lines = path.read_text().splitlines() if path.exists() else []
    parts = lines[-1].split(" ", 3) if lines else []
    if len(parts) != 4:
        return "no request yet", False
    return f"{parts[2]} {parts[3]}", parts[1] not in shared.answered


def pick_victim(server: Server, shared: Shared, workdir: Path) -> tuple[int, str]:
    """The hardest worker to lose: one writing the search index (looked for during 3 s),
    else one in the middle of a POST (2 s more), else one with any request in flight."""
    ledger_dir, index_dir = workdir / "ledger", workdir / "search-index"
    started, busy = time.monotonic(), None
    while time.monotonic() - started < 5:
        workers = server.workers()
        holder = index_lock_holder(index_dir)
        if holder in workers:
            request, open_ = last_request(ledger_dir, holder, shared)
            state = "in flight" if open_ else "answered; a background drain"
            return holder, f"holding the index's writer lock; last request {request}, {state}"
        if time.monotonic() - started < 3:
            time.sleep(0.002)
            continue
        for pid in workers:
            request, open_ = last_request(ledger_dir, pid, shared)
            if open_ and request.startswith("POST"):
                return pid, f"in the middle of {request}"
            busy = busy or ((pid, f"in the middle of {request}") if open_ else None)
        time.sleep(0.005)
    return busy or (server.workers()[0], "no request seen in flight")


def kill_one_worker(server: Server, shared: Shared, workdir: Path) -> dict:
    """SIGKILL one worker; wait (bounded) for gunicorn to start its replacement."""
    before = set(server.workers())
    pid, why = pick_victim(server, shared, workdir)
    kill = {"pid": pid, "chosen_because": why, "at": shared.now(), "workers_before": sorted(before)}
    os.kill(pid, signal.SIGKILL)
    respawned = None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and respawned is None:
        new = set(server.workers()) - before
        respawned = min(new) if new else None
        time.sleep(0.01)
    kill["new_pid"] = respawned
    kill["respawn_seconds"] = round(shared.now() - kill["at"], 2) if respawned else None
    return kill


def run_load(args, server: Server, tokens: dict, workdir: Path,
             mail: MailFault) -> tuple[Shared, dict, float]:  # fmt: skip
    members = tokens["members"]
    shared = Shared(port=server.port, origin=time.monotonic(), moderator_token=tokens["moderator"],
                    member_names=[name for name, _ in members])  # fmt: skip
    clients = [
        Client(shared, number, members[number % len(members)], args.seconds, args.seed)
        for number in range(args.clients)
    ]
    for client in clients:
        client.start()
    time.sleep(max(0.0, args.mail_batch_at - shared.now()))
    mail.kill_mid_batch(shared)
    time.sleep(max(0.0, args.kill_at - shared.now()))
    kill = kill_one_worker(server, shared, workdir)
    for client in clients:
        client.join(timeout=max(1.0, args.seconds - shared.now()) + 60)
    duration = shared.now()
    still = [client.name for client in clients if client.is_alive()]
    if still:
        raise RuntimeError(f"clients still running after the run: {', '.join(still)}")
    return shared, kill, duration


def save_records(shared: Shared, path: Path) -> None:
    """Every request of the run, one JSON line each (kept with --keep, beside the ledgers)."""
    with path.open("w") as file:
        for record in shared.records:
            file.write(json.dumps(asdict(record)) + "\n")


def main() -> int:
    args = arguments()
    load_before = os.getloadavg()
    workdir = Path(tempfile.mkdtemp(prefix="loadfault-"))
    (workdir / "ledger").mkdir()
    print(f"== load-fault in {workdir} (load average {load_before[0]:.2f})", flush=True)
    passed = False
    try:
        with ExitStack() as stack:
            smtp = start_smtp()
            stack.callback(smtp.stop)
            database_url = stack.enter_context(scratch_database(args.postgres))
            env = server_environment(args, database_url, workdir, mail_environment(smtp))
            server = stack.enter_context(Server(env, args.workers, workdir, args.redis_url))
            mail = stack.enter_context(MailFault(smtp, env, workdir, args.mail_batch))
            tokens = setup_members(server, env)
            mail.prepare_members(server.port, tokens["members"])
            print(
                f"== {args.clients} clients, {args.seconds:.0f} s, mail batch at "
                f"{args.mail_batch_at:.0f} s, web worker killed at {args.kill_at:.0f} s"
            )
            shared, kill, duration = run_load(args, server, tokens, workdir, mail)
            save_records(shared, workdir / "records.jsonl")
            ledgers = read_ledgers(workdir / "ledger")
            passed = prove_all(args, server, env, shared, kill, duration, ledgers, load_before,
                               mail)  # fmt: skip
    finally:
        if args.keep or not passed:
            print(
                f"== kept {workdir}: gunicorn.log, mail-worker.log, ledger/, records.jsonl, "
                "search-index/"
            )
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())

"""For bench scripts that seed their own data and time calls in-process: a scratch database
(a temporary SQLite file, or a database on a PostgreSQL server, created for the run and
dropped afterwards whatever happened) and the timing line bench/run_all.py collects."""

import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@contextmanager
def scratch_database(prefix: str, postgres_server: str | None = None) -> Iterator[str]:
    """A database URL of its own for one run: `<prefix>_<pid>` on the server, else SQLite."""
    if postgres_server is None:
        with tempfile.TemporaryDirectory() as scratch:
            yield f"sqlite:///{scratch}/{prefix}.db"
        return
    name = f"{prefix}_{os.getpid()}"
    admin = create_engine(make_url(postgres_server).set(database="postgres"))
    admin = admin.execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(postgres_server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def drop_and_close(app) -> None:
    """The end of a measurement: no delivery thread left, the scratch tables dropped, every
    connection closed."""
    from forum.extensions import db
    from forum.mail import delivery

    delivery.stop_thread(app, timeout=30)
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def time_calls(call, times: int, warm_up: int = 100) -> list[float]:
    """Milliseconds per call of `call()`, each timed on its own, after `warm_up` calls."""
    for _ in range(warm_up):
        call()
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def timing_line(name: str, samples_ms: list[float]) -> str:
    """ "name n=… p50=… ms p95=… ms": the line bench/run_all.py turns into a table row."""
    ordered = sorted(samples_ms)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return f"{name} n={len(ordered)} p50={statistics.median(ordered):.3f} ms p95={p95:.3f} ms"

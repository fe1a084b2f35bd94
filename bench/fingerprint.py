"""A cheap fingerprint of the database and the search index: proof that GETs wrote nothing."""

import time
from pathlib import Path

from sqlalchemy import create_engine, inspect, text


def _database(database_url: str) -> dict:
    engine = create_engine(database_url)
    state = {}
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            count = connection.scalar(text(f'SELECT COUNT(*) FROM "{table}"'))  # noqa: S608
            state[f"rows:{table}"] = count
        if engine.dialect.name == "postgresql":
            # Cumulative counters also catch updates that leave row counts alone; sessions
            # publish them about once a second, hence the pause.
            time.sleep(2)
            rows = connection.execute(
                text("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables")
            )
            state.update({f"writes:{name}": writes for name, writes in rows})
        else:
            # Fold any write-ahead log into the file first, so later reads cannot move it.
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    if engine.dialect.name == "sqlite":
        path = Path(engine.url.database)
        if path.exists():
            stat = path.stat()
            state[f"file:{path.name}"] = (stat.st_size, stat.st_mtime_ns)
        # Opening the database touches its (empty, just checkpointed) log without writing
        # anything; a write would grow it, and the next checkpoint would move the file above.
        # SQLite deletes the log when its last connection closes (the servers stopping): a
        # missing log is an empty one.
        log = path.with_name(path.name + "-wal")
        state[f"file:{log.name}"] = log.stat().st_size if log.exists() else 0
    return state


def _index(index_dir: str) -> dict:
    """Index files by size and time; small JSON state files by content (a drainer's heartbeat
    may touch them without changing what the index holds)."""
    root = Path(index_dir)
    if not root.exists():
        return {}
    state = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            stat = path.stat()
            key = f"index:{path.relative_to(root)}"
            state[key] = (
                path.read_text() if path.suffix == ".json" else (stat.st_size, stat.st_mtime_ns)
            )
    return state


def fingerprint(database_url: str, index_dir: str) -> dict:
    """Row counts per table, write counters or file times, and the index files' sizes and times."""
    return {**_database(database_url), **_index(index_dir)}

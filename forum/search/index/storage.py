"""The index directory: generations behind an atomic `current` link, the writer lock, and
how far each generation has applied the outbox.

    <SEARCH_INDEX_DIR>/write.lock   fcntl lock held by whoever writes (any process)
    <SEARCH_INDEX_DIR>/build.lock   held while a missing or stale index is rebuilt
    <SEARCH_INDEX_DIR>/current      symlink to the generation searches use
    <SEARCH_INDEX_DIR>/gen-v<schema>-<n>/   a whoosh index plus applied.json
"""

import fcntl
import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.index import FileIndex

from forum.search.engine.schema import SCHEMA_VERSION, build_schema

CURRENT_LINK = "current"
WRITE_LOCK = "write.lock"
BUILD_LOCK = "build.lock"
STATE_FILE = "applied.json"
GENERATION_PREFIX = "gen-"
TOC_NAME = re.compile(rf"_{index._DEF_INDEX_NAME}_([0-9]+)\.toc\Z")
# Opening a generation races other processes' commits (see open_generation).
OPEN_ATTEMPTS = 10


class IndexBusy(Exception):
    """Another process or thread holds the writer lock; the outbox keeps the work for later."""


@contextmanager
def writer_lock(directory: Path, timeout: float, name: str = WRITE_LOCK) -> Iterator[None]:
    """Hold one of the directory's locks, or raise IndexBusy after `timeout` seconds.

    An flock belongs to the open file: the kernel drops it when its process exits or is
    killed, so a crashed writer never leaves a stale lock behind.
    """
    directory.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(directory / name, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexBusy(str(directory)) from None
                time.sleep(0.005)
        yield
    finally:
        os.close(descriptor)


def current_generation(directory: Path) -> Path | None:
    """The generation searches use now, or None when there is no index yet."""
    try:
        target = os.readlink(directory / CURRENT_LINK)
    except OSError:
        return None
    generation = directory / target
    # Only complete generations are ever made current: a directory check is enough.
    return generation if generation.is_dir() else None


def commit_number(generation: Path) -> int:
    """The number of the generation's newest whoosh commit (-1 before the first).

    Every commit writes a new table of contents, `_MAIN_<n>.toc`: a directory listing
    tells whether the index changed without opening it.
    """
    newest = -1
    for name in os.listdir(generation):
        match = TOC_NAME.match(name)
        if match:
            newest = max(newest, int(match.group(1)))
    return newest


def create_generation(directory: Path) -> Path:
    """A new, empty, not yet current generation."""
    directory.mkdir(parents=True, exist_ok=True)
    generation = directory / f"{GENERATION_PREFIX}v{SCHEMA_VERSION}-{time.time_ns()}"
    generation.mkdir()
    index.create_in(generation, build_schema())
    return generation


def is_outdated(generation: Path) -> bool:
    """True for a generation built with another document schema: it must be rebuilt."""
    return not generation.name.startswith(f"{GENERATION_PREFIX}v{SCHEMA_VERSION}-")


def make_current(directory: Path, generation: Path) -> None:
    """Point `current` at `generation` atomically; keep the one before for open searchers."""
    previous = current_generation(directory)
    link = directory / CURRENT_LINK
    if link.is_dir() and not link.is_symlink():
        # A copy made without keeping links (`cp -r`, a restore): never searched, since only
        # a link names the current generation, and in the way of every swap (a rebuild that
        # failed each time). Moved aside to be removed with the other old generations.
        link.rename(directory / f"{GENERATION_PREFIX}copied-{time.time_ns()}")
    temporary = directory / f".{CURRENT_LINK}-{os.getpid()}"
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(generation.name)
    os.replace(temporary, link)
    keep = {generation.name, previous.name if previous else None}
    for path in directory.glob(f"{GENERATION_PREFIX}*"):
        if path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)


def remove_abandoned(directory: Path, keep: Path) -> None:
    """Delete a generation that a failed or interrupted rebuild left behind."""
    current = current_generation(directory)
    if keep != current and keep.exists():
        shutil.rmtree(keep, ignore_errors=True)


def open_generation(generation: Path) -> FileIndex:
    """The whoosh index of a generation.

    whoosh lists the TOC files and then opens the newest; a commit in another process can
    write the next one and delete that one in between (FileNotFoundError, about 1 open in
    500 under steady commits). The new TOC is already there, so trying again finds it;
    whoosh's own reader() retries the same way for the same reason.
    """
    for _ in range(OPEN_ATTEMPTS - 1):
        try:
            return index.open_dir(str(generation))
        except FileNotFoundError:
            time.sleep(0.005)
    return index.open_dir(str(generation))


def codec() -> W3Codec:
    """The codec every writer uses. It skips whoosh's per-block length statistics: whoosh
    looks up the document length of every posting it writes for them (a third of a build's
    commit time), and only whoosh's own scorers use them, never forum.search's engine."""
    chosen = W3Codec()
    chosen.length_stats = False
    return chosen


def open_writer(generation: Path, **options):
    """A whoosh writer for a generation; the caller holds the writer lock."""
    return open_generation(generation).writer(codec=codec(), **options)


def read_state(generation: Path) -> dict:
    """How far this generation has applied the outbox ({} for a fresh one)."""
    try:
        return json.loads((generation / STATE_FILE).read_text())
    except (OSError, ValueError):
        return {}


def write_state(generation: Path, state: dict) -> None:
    """Record progress atomically, after the whoosh commit it describes."""
    temporary = generation / f".{STATE_FILE}-{os.getpid()}"
    temporary.write_text(json.dumps(state))
    os.replace(temporary, generation / STATE_FILE)


def state_age(generation: Path) -> float:
    """Seconds since a drain last wrote or confirmed this generation's progress."""
    try:
        return time.time() - (generation / STATE_FILE).stat().st_mtime
    except OSError:
        return float("inf")


def touch_state(generation: Path) -> None:
    """Confirm that the progress is current, so the index is not mistaken for abandoned."""
    (generation / STATE_FILE).touch(exist_ok=True)

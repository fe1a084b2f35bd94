"""A full build of a generation from the database: one segment per range of ids, written by
as many processes as there are CPUs once the index is large.

A build is CPU-bound Python (reading rows, making documents, whoosh's analysis): one process
built 1,000,000 documents in about 22 minutes on a 2-core machine (issue 20). The published
ids are cut into ranges of merging.REBUILD_SEGMENT_DOCS; each range becomes one segment,
written into the generation without whoosh's lock by whichever process builds it (each
segment has its own random name), and the parent lists every segment in one table of
contents at the end: the build's single whoosh commit. Whoosh's own MpWriter with
`multisegment=True` works the same way (`_finalize_segment`, `_commit_toc`), but feeds every
document through its parent, which is the bottleneck here.
"""

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, selectinload
from whoosh.writing import SegmentWriter

from forum.models import Experience, Status
from forum.search.index import merging, storage
from forum.search.index.documents import document_for

# Whoosh spills postings to temporary sorted runs past `limitmb` (a posting counts ~190
# bytes); a segment of merging.REBUILD_SEGMENT_DOCS documents fits.
SEGMENT_WRITER = {"limitmb": 768}
# Below this many documents, starting processes (each imports the app: ~1 s) costs more
# than it saves.
PARALLEL_FROM = 50_000
_worker_engine: Engine | None = None


def published_experiences(
    session: Session, batch: int = 1000, after: int = 0, up_to: int | None = None
) -> Iterator[Experience]:
    """Every published experience with an id above `after` (and up to `up_to`), by id, a
    batch at a time (keyset pagination)."""
    last_id = after
    while True:
        query = (
            select(Experience)
            .where(Experience.status == Status.PUBLISHED, Experience.id > last_id)
            .order_by(Experience.id)
            .limit(batch)
            .options(
                selectinload(Experience.exercise_rows),
                selectinload(Experience.tags),
                selectinload(Experience.follow_ups),
            )
        )
        if up_to is not None:
            query = query.where(Experience.id <= up_to)
        experiences = list(session.scalars(query))
        if not experiences:
            return
        yield from experiences
        last_id = experiences[-1].id
        session.expunge_all()


def published_ids(session: Session) -> list[int]:
    """Ids of every experience published now, in order."""
    query = select(Experience.id).where(Experience.status == Status.PUBLISHED)
    return list(session.scalars(query.order_by(Experience.id)))


def id_ranges(ids: list[int], size: int) -> list[tuple[int, int]]:
    """(after, up_to) bounds cutting the sorted `ids` into ranges of `size`."""
    ranges, after = [], 0
    for start in range(0, len(ids), size):
        up_to = ids[min(start + size, len(ids)) - 1]
        ranges.append((after, up_to))
        after = up_to
    return ranges


def build(
    generation: Path,
    bind: Engine,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> int:
    """Write every published experience into the empty `generation`; the documents written.

    `workers` processes build the segments (default: one per CPU from PARALLEL_FROM
    documents on, else this process alone)."""
    with Session(bind) as session:
        ids = published_ids(session)
    total, ranges = len(ids), id_ranges(ids, merging.REBUILD_SEGMENT_DOCS)
    if workers is None:
        # The CPUs this process may run on (a container's share), not the host's.
        workers = len(os.sched_getaffinity(0)) if total >= PARALLEL_FROM else 1
    if workers > 1 and not _reachable_from_another_process(bind):
        workers = 1
    segments, done = [], 0
    for segment, count in _segments(generation, bind, ranges, workers):
        done += count
        if segment is not None:
            segments.append(segment)
        if progress:
            progress(done, max(total, done))
    _list_segments(generation, segments)
    return done


def _segments(generation: Path, bind: Engine, ranges: list[tuple[int, int]], workers: int):
    """(segment or None, documents) per range, in order."""
    if workers == 1:
        with Session(bind) as session:
            for after, up_to in ranges:
                yield build_segment(generation, session, after, up_to)
        return
    url = bind.url.render_as_string(hide_password=False)
    # spawn, not fork: the parent holds database connections a forked child must not touch.
    with ProcessPoolExecutor(
        workers, mp_context=get_context("spawn"), initializer=_start_worker, initargs=(url,)
    ) as pool:
        afters, up_tos = [after for after, _ in ranges], [up_to for _, up_to in ranges]
        yield from pool.map(_build_in_worker, [generation] * len(ranges), afters, up_tos)


def build_segment(generation: Path, session: Session, after: int, up_to: int):
    """One segment of the published experiences in (after, up_to], not yet listed in the
    generation's table of contents; (None, 0) when there are none any more."""
    writer = SegmentWriter(
        storage.open_generation(generation), _lk=False, codec=storage.codec(), **SEGMENT_WRITER
    )
    count = 0
    for experience in published_experiences(session, after=after, up_to=up_to):
        writer.add_document(**document_for(experience))
        count += 1
    if not count:
        # Its empty files are not listed, so the final commit deletes them.
        writer._close_segment()
        return None, 0
    return writer._finalize_segment(), count


def _list_segments(generation: Path, segments: list) -> None:
    """Commit a table of contents listing `segments`, deleting every file it does not list."""
    writer = storage.open_writer(generation)
    writer._close_segment()
    writer._commit_toc(segments)
    writer._finish()  # also removes the temporary folder that every segment writer shared


def _reachable_from_another_process(bind: Engine) -> bool:
    """False for an in-memory SQLite database: it exists only in this process."""
    if bind.dialect.name != "sqlite":
        return True
    url = bind.url
    return url.database not in (None, "", ":memory:") and url.query.get("mode") != "memory"


def _start_worker(url: str) -> None:
    global _worker_engine  # noqa: PLW0603 - one engine per worker process, made once
    _worker_engine = create_engine(url)


def _build_in_worker(generation: Path, after: int, up_to: int):
    with Session(_worker_engine) as session:
        return build_segment(generation, session, after, up_to)

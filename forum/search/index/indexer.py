"""Writing the index: applying outbox changes, full rebuilds and repairs from the database."""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, selectinload

from forum.models import Experience
from forum.search.index import building, merging, outbox, storage
from forum.search.index.documents import document_for

log = logging.getLogger(__name__)

# Changes applied per whoosh commit; a request applies at most one batch itself.
BATCH_SIZE = 500
# A rebuild waits this long for the writer lock before swapping generations.
SWAP_LOCK_SECONDS = 120.0


def load_experiences(session: Session, ids: Iterable[int]) -> dict[int, Experience]:
    """The experiences with these ids and what their documents need, in three queries."""
    query = (
        select(Experience)
        .where(Experience.id.in_(list(ids)))
        .options(
            selectinload(Experience.exercise_rows),
            selectinload(Experience.tags),
            selectinload(Experience.follow_ups),
        )
    )
    return {experience.id: experience for experience in session.scalars(query)}


def documents_for(session: Session, ids: set[int]) -> dict[int, dict | None]:
    """{id: the document of each published one among `ids`, None for the rest (to delete)}."""
    experiences = load_experiences(session, ids)
    documents: dict[int, dict | None] = {}
    for experience_id in sorted(ids):
        experience = experiences.get(experience_id)
        published = experience is not None and experience.is_published
        documents[experience_id] = document_for(experience) if published else None
    return documents


def write_documents(writer, documents: dict[int, dict | None]) -> None:
    """Upsert the documents, delete the ids without one: the same result however often it
    runs, which is what makes replaying the outbox safe."""
    for experience_id, document in documents.items():
        if document is not None:
            writer.update_document(**document)
        else:
            writer.delete_by_term("id", str(experience_id))


def apply_batch(generation: Path, session: Session) -> int:
    """Apply one batch of this generation's pending changes; the caller holds the lock."""
    progress = outbox.Progress.from_state(storage.read_state(generation))
    rows = outbox.pending(session, progress, BATCH_SIZE)
    documents = documents_for(session, {experience_id for _, experience_id in rows}) if rows else {}
    # The read ends before the whoosh work (tens of ms at 100,000): on SQLite an open read
    # holds the shared lock that every other connection's commit waits for.
    session.rollback()
    if not rows:
        return 0
    writer = storage.open_writer(generation)
    try:
        write_documents(writer, documents)
    except BaseException:
        writer.cancel()
        raise
    writer.commit(mergetype=merging.merge_small)
    # Written after the commit: a crash in between replays these changes, harmlessly.
    storage.write_state(generation, outbox.advance(progress, rows).to_state())
    return len(rows)


def drain(directory: Path, bind: Engine, *, lock_timeout: float, batches: int) -> int:
    """Apply up to `batches` batches of pending changes to the current generation.

    Raises IndexBusy when another writer holds the lock: that writer, or the next drain,
    applies the changes, since they stay in the outbox until then.
    """
    applied = 0
    with storage.writer_lock(directory, lock_timeout):
        # Read under the lock: a rebuild may have swapped generations meanwhile.
        generation = storage.current_generation(directory)
        if generation is None:
            return 0
        with Session(bind) as session:
            for _ in range(batches):
                count = apply_batch(generation, session)
                session.expunge_all()
                applied += count
                if count < BATCH_SIZE:
                    break
    return applied


def rebuild(
    directory: Path,
    bind: Engine,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> int:
    """Build a new generation from the database while searches use the current one, catch
    it up with the outbox and swap it in atomically; returns the documents indexed.

    `workers` processes build it (building.build: by default one per CPU for large indexes).
    """
    generation = storage.create_generation(directory)
    try:
        with Session(bind) as session:
            # Taken before reading: changes committed during the build are replayed after.
            start = outbox.starting_point(session)
        done = building.build(generation, bind, progress, workers)
        storage.write_state(generation, start.to_state())
        with storage.writer_lock(directory, SWAP_LOCK_SECONDS), Session(bind) as session:
            while apply_batch(generation, session):
                session.expunge_all()
            storage.make_current(directory, generation)
    except BaseException:
        storage.remove_abandoned(directory, generation)
        raise
    log.info("search: rebuilt the index with %d documents", done)
    return done


@dataclass
class IndexReport:
    """Differences between the database and the index, by experience id."""

    missing: list[int] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    duplicated: list[int] = field(default_factory=list)
    repaired: bool = False

    @property
    def differences(self) -> int:
        return len(self.missing) + len(self.extra) + len(self.stale) + len(self.duplicated)


def indexed_fingerprints(generation: Path) -> tuple[dict[int, str], list[int]]:
    """{experience id: fingerprint} of the live documents, and ids indexed more than once."""
    found: dict[int, str] = {}
    duplicated = []
    with storage.open_generation(generation).searcher() as searcher:
        for stored in searcher.reader().all_stored_fields():
            experience_id = int(stored["id"])
            if experience_id in found:
                duplicated.append(experience_id)
            found[experience_id] = stored.get("fingerprint", "")
    return found, duplicated


def check(directory: Path, bind: Engine, *, repair: bool, lock_timeout: float) -> IndexReport:
    """Compare every published experience with its document; fix differences if asked."""
    generation = storage.current_generation(directory)
    if generation is None:
        raise FileNotFoundError(f"no search index in {directory}")
    indexed, duplicated = indexed_fingerprints(generation)
    report = IndexReport(duplicated=sorted(set(duplicated)))
    with Session(bind) as session:
        for experience in building.published_experiences(session):
            fingerprint = indexed.pop(experience.id, None)
            if fingerprint is None:
                report.missing.append(experience.id)
            elif fingerprint != document_for(experience)["fingerprint"]:
                report.stale.append(experience.id)
        report.extra = sorted(indexed)
        if repair and report.differences:
            ids = {*report.missing, *report.extra, *report.stale, *report.duplicated}
            with storage.writer_lock(directory, lock_timeout):
                writer = storage.open_writer(storage.current_generation(directory))
                write_documents(writer, documents_for(session, ids))
                writer.commit(mergetype=merging.merge_small)
            report.repaired = True
    return report

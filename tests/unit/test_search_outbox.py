"""The outbox: no lost updates, ids that commit out of order, crashes, rebuilds, pruning."""

import shutil
import time
from datetime import timedelta

from sqlalchemy import func, select

from forum import search
from forum.clock import utcnow
from forum.extensions import db
from forum.models import SearchChange
from forum.search.index import indexer, outbox, storage
from tests.factories import ExperienceFactory


def found(query: str) -> list[int]:
    return [hit.experience.id for hit in search.search({"q": query}).items]


def publish(title: str, *, change_id: int | None = None):
    """A published experience and its outbox row, committed together, nothing applied."""
    experience = ExperienceFactory.build(title=title)
    db.session.add(experience)
    db.session.flush()
    db.session.add(SearchChange(id=change_id, experience_id=experience.id))
    db.session.commit()
    return experience


def state() -> outbox.Progress:
    generation = storage.current_generation(search.runtime().directory)
    return outbox.Progress.from_state(storage.read_state(generation))


def test_advance_records_skipped_ids_as_gaps_and_drops_them_when_seen():
    progress = outbox.advance(outbox.Progress(high=5), [(7, 1), (9, 2)])
    assert progress.high == 9 and set(progress.gaps) == {6, 8}
    progress = outbox.advance(progress, [(6, 3), (10, 4)])
    assert progress.high == 10 and set(progress.gaps) == {8}


def test_gaps_expire_after_a_while():
    old = time.time() - outbox.GAP_SECONDS - 1
    progress = outbox.advance(outbox.Progress(high=9, gaps={8: old, 7: time.time()}), [])
    assert set(progress.gaps) == {7}


def test_a_change_committing_late_with_a_smaller_id_is_not_lost(ctx):
    search.search({})
    publish("Cycling first", change_id=1)
    publish("Cycling third", change_id=3)
    search.apply_pending()
    assert state().high == 3 and set(state().gaps) == {2}
    # The transaction holding id 2 commits only now (it happens on PostgreSQL).
    late = publish("Yoga second", change_id=2)
    search.apply_pending()
    assert found("yoga") == [late.id]
    assert state().gaps == {}


def test_the_crash_case_the_next_drain_applies_it(ctx):
    search.search({})
    experience = publish("Pilates after a crash")  # committed, index write never happened
    assert found("pilates") == []  # searching alone never writes the index
    search.apply_pending()
    assert found("pilates") == [experience.id]


def test_the_crash_case_check_repairs_when_the_outbox_row_is_gone(ctx):
    search.search({})
    experience = publish("Dance class")
    db.session.execute(db.delete(SearchChange))
    db.session.commit()
    search.apply_pending()
    assert found("dance") == []
    report = search.check()
    assert report.missing == [experience.id] and report.repaired
    assert found("dance") == [experience.id]
    assert search.check().differences == 0


def test_a_crash_before_saving_progress_replays_without_duplicates(ctx, monkeypatch):
    search.search({})
    experience = publish("Stretching at dawn")
    monkeypatch.setattr(storage, "write_state", lambda generation, state: None)
    search.apply_pending()
    monkeypatch.undo()
    search.apply_pending()  # the same change again
    assert found("stretching") == [experience.id]
    assert search.check(repair=False).differences == 0


def test_check_lists_extra_and_stale_documents(ctx):
    kept, gone = ExperienceFactory(title="Walking notes"), ExperienceFactory(title="Old notes")
    search.search({})
    kept.title = "Walking notes, revised"
    gone.status = "deleted"
    db.session.commit()
    report = search.check(repair=False)
    assert (report.stale, report.extra, report.repaired) == ([kept.id], [gone.id], False)
    assert search.check().repaired
    assert search.check(repair=False).differences == 0
    assert found("revised") == [kept.id] and found("old") == []


def test_deleting_the_index_directory_rebuilds_it_on_first_use(ctx):
    experience = ExperienceFactory(title="Swimming slowly")
    assert found("swimming") == [experience.id]
    shutil.rmtree(search.runtime().directory)
    assert found("swimming") == [experience.id]


def test_a_rebuild_catches_up_with_changes_made_while_it_ran(ctx):
    ExperienceFactory(title="Yoga at home")
    search.search({})
    made = []

    def meanwhile(done, total):
        if not made:
            made.append(publish("Cycling to work"))

    indexer.rebuild(search.runtime().directory, db.engine, progress=meanwhile)
    assert found("cycling") == [made[0].id]
    assert len(found("yoga")) == 1


def test_starting_point_treats_missing_recent_ids_as_gaps(ctx):
    for change_id in (1, 2, 5):
        db.session.add(SearchChange(id=change_id, experience_id=1))
    db.session.commit()
    progress = outbox.starting_point(db.session)
    assert progress.high == 5 and set(progress.gaps) == {3, 4}


def test_pruning_keeps_recent_rows_and_always_the_newest(ctx):
    old = utcnow() - outbox.RETENTION - timedelta(days=1)
    for change_id in (1, 2, 3):
        db.session.add(SearchChange(id=change_id, experience_id=1, created_at=old))
    db.session.commit()
    assert outbox.prune(db.session) == 2
    assert db.session.scalar(select(func.max(SearchChange.id))) == 3

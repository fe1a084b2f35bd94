"""Full builds: processes that each write whole segments make the same index as one process."""

import shutil

import pytest
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from forum import search
from forum.extensions import db
from forum.search.index import building, indexer, merging, storage
from tests.factories import ExperienceFactory


def segment_sizes(generation) -> list[int]:
    with storage.open_generation(generation).reader() as reader:
        return sorted(leaf.doc_count_all() for leaf, _ in reader.leaf_readers())


def test_worker_processes_build_the_index_one_process_builds(ctx, monkeypatch):
    monkeypatch.setattr(merging, "REBUILD_SEGMENT_DOCS", 3)
    published = [ExperienceFactory(title=f"Walking {n}") for n in range(8)]
    ExperienceFactory(title="Walking, waiting for review", status="pending")
    directory = search.runtime().directory
    indexer.rebuild(directory, db.engine, workers=1)
    by_one, _ = indexer.indexed_fingerprints(storage.current_generation(directory))
    progress = []
    built = indexer.rebuild(
        directory, db.engine, lambda done, total: progress.append((done, total)), workers=2
    )
    generation = storage.current_generation(directory)
    by_two, duplicated = indexer.indexed_fingerprints(generation)
    assert built == 8 and by_two == by_one and not duplicated
    assert set(by_two) == {experience.id for experience in published}
    assert segment_sizes(generation) == [2, 3, 3]
    assert progress == [(3, 8), (6, 8), (8, 8)]
    # Only the segments listed remain: the writers' shared temporary folder is gone too.
    segment_files = sorted(path.name for path in generation.iterdir() if path.suffix == ".seg")
    assert len(segment_files) == 3 and not any(generation.glob("*.tmp"))
    assert not indexer.check(directory, db.engine, repair=False, lock_timeout=5).differences
    page = search.search({"q": "walking"})
    assert page.total == 8


def test_a_range_left_with_no_published_story_adds_no_segment(ctx):
    ExperienceFactory(title="Walking")
    generation = storage.create_generation(ctx.extensions["search"].directory)
    segment, count = building.build_segment(generation, db.session, after=10**6, up_to=10**7)
    assert (segment, count) == (None, 0)
    assert building.build(generation, db.engine, workers=1) == 1
    assert segment_sizes(generation) == [1]
    assert len(list(generation.glob("*.seg"))) == 1


def test_a_served_process_builds_its_index_alone(ctx, monkeypatch):
    asked = []
    build = building.build

    def noting_workers(generation, bind, progress=None, workers=None):
        asked.append(workers)
        return build(generation, bind, progress, workers)

    monkeypatch.setattr(building, "build", noting_workers)
    ExperienceFactory(title="Walking")
    assert search.runtime().build(db.engine)
    assert asked == [1]


@pytest.mark.parametrize(
    ("url", "reachable"),
    [
        ("sqlite://", False),
        ("sqlite:///:memory:", False),
        ("sqlite:///file:shared?mode=memory&cache=shared&uri=true", False),
        ("sqlite:////srv/forum/forum.db", True),
        ("postgresql+psycopg://forum@db.example/forum", True),
    ],
)
def test_only_a_database_on_disk_or_a_server_is_built_from_other_processes(url, reachable):
    engine = create_engine(url, poolclass=NullPool)  # no connection: only the URL is read
    assert building._reachable_from_another_process(engine) is reachable
    engine.dispose()


def test_an_index_copied_without_its_link_is_replaced_by_the_next_build(ctx, tmp_path):
    ExperienceFactory(title="Walking")
    directory = search.runtime().directory
    search.rebuild()
    copy = tmp_path / "copied"
    shutil.copytree(directory, copy)  # `current` becomes a directory, not a link
    assert (copy / storage.CURRENT_LINK).is_dir() and storage.current_generation(copy) is None
    assert indexer.rebuild(copy, db.engine) == 1
    generation = storage.current_generation(copy)
    assert (copy / storage.CURRENT_LINK).is_symlink() and generation is not None
    assert [path.name for path in copy.glob("gen-*")] == [generation.name]

"""Segments: rebuilds write bounded ones; drains merge small ones, never the big ones."""

from collections import Counter

from forum import search
from forum.search.index import merging, storage
from tests.factories import ExperienceFactory


def segment_sizes(generation) -> list[int]:
    with storage.open_generation(generation).reader() as reader:
        return sorted(leaf.doc_count_all() for leaf, _ in reader.leaf_readers())


def add_and_commit(generation, number: int, **commit) -> None:
    writer = storage.open_writer(generation)
    writer.add_document(id=str(number), body=Counter(["walk"]))
    writer.commit(**commit)


def test_a_full_tier_of_small_segments_is_merged_and_big_ones_are_left(tmp_path, monkeypatch):
    generation = storage.create_generation(tmp_path)
    writer = storage.open_writer(generation)
    for number in range(1000, 1200):
        writer.add_document(id=str(number), body=Counter(["walk"]))
    writer.commit(merge=False)
    tier = merging.SEGMENTS_PER_TIER
    for number in range(tier):
        add_and_commit(generation, number, mergetype=merging.merge_small)
    assert segment_sizes(generation) == [1] * tier + [200]
    # The next commit finds the tier full: its own document and the tier become one segment.
    add_and_commit(generation, tier, mergetype=merging.merge_small)
    assert segment_sizes(generation) == [tier + 1, 200]


def test_a_rebuild_writes_segments_of_bounded_size(ctx, monkeypatch):
    monkeypatch.setattr(merging, "REBUILD_SEGMENT_DOCS", 3)
    made = [ExperienceFactory(title=f"Walking {n}") for n in range(7)]
    page = search.search({"q": "walking"})
    generation = storage.current_generation(search.runtime().directory)
    assert segment_sizes(generation) == [1, 3, 3]
    assert page.total == 7 and {hit.experience.id for hit in page.items} == {e.id for e in made}

"""The engine's building blocks: zero-copy files, block decoding, masks, sums and the best."""

import io
import pickle
from collections import Counter

import numpy as np
import pytest
from whoosh.filedb.structfile import BufferFile

from forum.search.engine.counting import best, facet_counts, live_count, mask_of, weighted_sum
from forum.search.engine.matching import Engine
from forum.search.engine.segments import read_one_by_one, read_postings
from forum.search.engine.zerocopy import MemoryViewFile, ZeroCopyBufferFile
from forum.search.index import storage

DATA = b"first line\nsecond line\n" + pickle.dumps({"a": [1, 2, 3]}) + b"tail"


def test_memoryview_file_reads_like_bytesio():
    ours, theirs = MemoryViewFile(memoryview(DATA)), io.BytesIO(DATA)
    for step in (
        lambda f: f.readline(),
        lambda f: f.read(3),
        lambda f: f.tell(),
        lambda f: f.seek(-4, 2),
        lambda f: f.read(),
        lambda f: f.read(10),
        lambda f: f.seek(0),
        lambda f: list(f),
    ):
        assert step(ours) == step(theirs)
    ours.seek(len(b"first line\nsecond line\n"))
    assert pickle.load(ours) == {"a": [1, 2, 3]}  # noqa: S301 (our own bytes)


def test_zero_copy_buffer_file_matches_whoosh_buffer_file():
    view = memoryview(bytearray(DATA * 3))
    ours, theirs = ZeroCopyBufferFile(view), BufferFile(view)
    assert ours.get(5, 10) == theirs.get(5, 10)
    assert ours.subset(11, 11).read() == theirs.subset(11, 11).read() == b"second line"
    ours.seek(11)
    theirs.seek(11)
    assert ours.read_byte() == theirs.read_byte()


@pytest.fixture
def searcher(tmp_path):
    generation = storage.create_generation(tmp_path)
    writer = storage.open_writer(generation)
    for number in range(1, 400):
        words = Counter(["pain"] * (number % 4 + 1) + (["walk"] if number % 3 else []))
        writer.add_document(id=str(number), body=words, exercise="walking")
    writer.commit()
    with storage.open_generation(generation).searcher() as searcher:
        yield searcher


@pytest.fixture
def reader(searcher):
    return searcher.reader()


def test_the_warm_up_decodes_the_commonest_terms_as_a_query_would(searcher):
    engine = Engine()
    assert engine.commonest(searcher, 1) == ["pain"]
    engine.decode(searcher, "pain")
    [(segment, _offset)] = searcher.reader().leaf_readers()
    key = (segment.segment().segment_id(), "text", "pain")
    decoded = engine._cache.get(key)
    assert decoded is not None and len(decoded[0]) == 399
    assert engine.live_frequencies(searcher, ["pain"]) == {"pain": 399}
    assert engine._cache.get(key) is decoded  # the query used what the warm-up decoded


@pytest.mark.parametrize("term", ["pain", "walk", "absent"])
def test_block_decoding_matches_the_generic_matcher(reader, term):
    fast = read_postings(reader, "body", term)
    if term == "absent":
        assert fast == ([], [])
        return
    assert fast == read_one_by_one(reader.postings("body", term))
    assert len(fast[0]) == reader.doc_frequency("body", term)


def test_masks_counts_and_live_counts():
    docs = np.array([1, 3, 4], dtype=np.int32)
    assert mask_of(6, docs).tolist() == [False, True, False, True, True, False]
    assert live_count(docs, None) == 3
    assert live_count(docs, mask_of(6, np.array([0, 3]))) == 2
    keys = ["walking", "yoga", "qigong", "swimming"]
    postings = (keys, np.array([0, 1, 3, 2, 4, 1, 3, 4]), np.array([0, 0, 0, 1, 1, 2, 2, 2]))
    matched = mask_of(6, np.array([1, 2, 3]))
    assert facet_counts(postings, matched) == {"walking": 2, "yoga": 1, "qigong": 2}


def test_weighted_sums_add_term_by_term():
    weighted = [
        (2.0, (np.array([1, 2]), np.array([1.0, 0.5]))),
        (1.0, (np.array([2, 3, 5]), np.array([1.0, 3.0, 9.0]))),
    ]
    assert weighted_sum(6, weighted).tolist() == [0.0, 2.0, 2.0, 3.0, 0.0, 9.0]


def test_best_takes_the_highest_keys_and_the_later_document_among_equals():
    keys = np.array([1.0, 5.0, 3.0, 5.0, 3.0, 0.5])
    docs = np.array([10, 11, 12, 13, 14, 15])
    assert best(keys, docs, 3) == [(5.0, 13), (5.0, 11), (3.0, 14)]
    assert best(keys, docs, 10) == [
        (5.0, 13),
        (5.0, 11),
        (3.0, 14),
        (3.0, 12),
        (1.0, 10),
        (0.5, 15),
    ]
    assert best(keys[:0], docs[:0], 3) == []


def test_rarest_is_ranking_every_term_by_live_frequency(tmp_path):
    """The doc_frequency bound only skips work: deleted documents still hold their terms in
    whoosh's statistics, and must not make a word look commoner than live stories make it."""
    generation = storage.create_generation(tmp_path)
    writer = storage.open_writer(generation)
    words = [f"word{number}" for number in range(12)]
    for number in range(1, 200):
        held = [word for position, word in enumerate(words) if number % (position + 2) == 0]
        writer.add_document(id=str(number), body=Counter(held or ["plain"]), exercise="walking")
    writer.commit()
    writer = storage.open_writer(generation)
    for number in range(1, 200, 3):  # word0's stories mostly, so whoosh's counts mislead
        writer.delete_by_term("id", str(number * 2))
    writer.commit()
    engine = Engine()
    with storage.open_generation(generation).searcher() as searcher:
        live = engine.live_frequencies(searcher, words)
        assert any(searcher.doc_frequency("body", word) > live[word] for word in words)
        for count, more_than in ((3, 0), (5, 1), (12, 0), (4, 20)):
            expected = sorted((live[word], word) for word in words if live[word] > more_than)
            expected = [word for _frequency, word in expected[:count]]
            got = engine.rarest(searcher, words, count, held_by_more_than=more_than)
            assert got == expected

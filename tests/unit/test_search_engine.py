"""The engine's building blocks: zero-copy files, block decoding, set algebra."""

import io
import pickle
from collections import Counter

import pytest
from whoosh.filedb.structfile import BufferFile

from forum.search.engine.counting import at_least, common, intersect, scores
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
def reader(tmp_path):
    generation = storage.create_generation(tmp_path)
    writer = storage.open_writer(generation)
    for number in range(1, 400):
        words = Counter(["pain"] * (number % 4 + 1) + (["walk"] if number % 3 else []))
        writer.add_document(id=str(number), body=words, exercise="walking")
    writer.commit()
    with storage.open_generation(generation).searcher() as searcher:
        yield searcher.reader()


@pytest.mark.parametrize("term", ["pain", "walk", "absent"])
def test_block_decoding_matches_the_generic_matcher(reader, term):
    fast = read_postings(reader, "body", term)
    if term == "absent":
        assert fast == ([], [])
        return
    assert fast == read_one_by_one(reader.postings("body", term))
    assert len(fast[0]) == reader.doc_frequency("body", term)


def test_intersect_and_at_least():
    collections = [{1, 2, 3, 4}, {2: 0.5, 3: 0.1, 9: 1.0}, frozenset({3, 2, 7})]
    assert intersect(collections) == {2, 3}
    assert intersect([]) == set()
    assert at_least(1, collections) == {1, 2, 3, 4, 7, 9}
    assert at_least(2, collections) == {2, 3}
    assert at_least(3, collections) == {2, 3}


def test_scores_add_weighted_terms_and_scale_by_clauses_matched():
    docs = {1, 2, 3}
    weighted = [(2.0, {1: 1.0, 2: 0.5}), (1.0, {2: 1.0, 3: 3.0, 8: 9.0})]
    assert scores(docs, weighted, []) == {1: 2.0, 2: 2.0, 3: 3.0}
    optional = [{1: 1.0, 2: 0.5}, {2: 1.0, 3: 3.0}]
    assert scores(docs, weighted, optional) == {1: 2.0 * 2 / 3, 2: 2.0, 3: 3.0 * 2 / 3}
    assert sorted(common({1, 2, 3}, {2: 0.1, 3: 0.2, 4: 0.3})) == [2, 3]

"""What the engine needs from one index segment, decoded once and kept while it lives.

Segments never change after they are written (only their deletion lists do), so postings,
facet values and sort keys can be cached per segment id across index versions. They are kept
as numpy arrays: ~12 bytes a posting instead of ~90 in a dict, and set algebra, sums and
counts over them run in C (counting.py).
"""

from collections import OrderedDict
from itertools import accumulate

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.reading import IndexReader, TermNotFound

# BM25 parameters (the usual defaults).
K1 = 1.2
B = 0.75
# Document numbers within a segment (whoosh's own limit is 2**31).
DOCNUM = np.int32
# A term's postings: its documents in order, and a weight per document.
Postings = tuple[np.ndarray, np.ndarray]
# A facet field's values, and its (docnum, index of the value) pairs as two arrays.
FacetPostings = tuple[list[str], np.ndarray, np.ndarray]


def read_postings(reader: IndexReader, field: str, term: str) -> tuple[list[int], list[float]]:
    """(docnums, term frequencies) of a term in one segment, deleted documents included."""
    try:
        matcher = reader.postings(field, term)
    except TermNotFound:
        return [], []
    # Deleted documents are removed per query; skip whoosh's filtering wrapper.
    leaf = getattr(matcher, "child", matcher)
    if isinstance(leaf, W3LeafMatcher) and hasattr(leaf, "_read_data"):
        return _read_blocks(leaf)
    return read_one_by_one(leaf)


def read_one_by_one(matcher) -> tuple[list[int], list[float]]:
    """The generic, slower way through any whoosh matcher."""
    docnums, weights = [], []
    while matcher.is_active():
        docnums.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return docnums, weights


def _read_blocks(leaf: W3LeafMatcher) -> tuple[list[int], list[float]]:
    """Decode whole posting blocks at C speed instead of one posting per Python call.

    Uses the block layout of whoosh's W3 codec (pinned to 2.7.x in pyproject.toml);
    tests compare it with the generic matcher path.
    """
    docnums: list[int] = []
    weights: list[float] = []
    while leaf.is_active():
        if leaf._data is None:
            leaf._read_data()
        ids = leaf._data[0]
        docnums.extend(ids if leaf._byteids else accumulate(ids))
        leaf._read_weights()
        weights.extend(leaf._weights)
        if leaf._lastblock:
            break
        leaf._next_block()
    return docnums, weights


class SegmentData:
    """Decoded postings, facet values and sort keys of one segment, as numpy arrays."""

    def __init__(self, reader: IndexReader):
        self.segment_id = reader.segment().segment_id()
        self.size = reader.doc_count_all()
        # Titles and topic lists are a few words each: only body lengths are worth normalising.
        self._body_normaliser = self._length_normaliser(reader, "body")
        self._published: np.ndarray | None = None
        self._facet_postings: dict[str, FacetPostings] = {}
        # By public_only: (deletions counted, the unseen mask). A segment's deletions only
        # grow, so their number tells whether the mask is still right.
        self.unseen: dict[bool, tuple[int, np.ndarray | None]] = {}

    def _length_normaliser(self, reader: IndexReader, field: str) -> np.ndarray:
        """K1 * (1 - B + B * length / average length) per document, for BM25."""
        lengths = [reader.doc_field_length(docnum, field) or 0 for docnum in range(self.size)]
        average = (sum(lengths) / len(lengths) if lengths else 0) or 1.0
        return np.array([K1 * (1 - B + B * length / average) for length in lengths])

    def published(self, reader: IndexReader) -> np.ndarray:
        """Publication time per document (seconds), the key of "newest first"."""
        if self._published is None:
            self._published = np.array(list(reader.column_reader("published", translate=False)))
        return self._published

    def term_weights(self, reader: IndexReader, field: str, term: str) -> Postings:
        """(docnums, BM25 term-frequency weights) of a term in a text field (no idf yet)."""
        docnums, frequencies = read_postings(reader, field, term)
        docnums = np.array(docnums, dtype=DOCNUM)
        frequencies = np.array(frequencies, dtype=np.float64)
        normaliser = self._body_normaliser[docnums] if field == "body" else K1
        return docnums, frequencies * (K1 + 1) / (frequencies + normaliser)

    def term_docs(self, reader: IndexReader, field: str, term: str) -> np.ndarray:
        """The documents holding a term in an untokenised or pair field, in order."""
        return np.array(read_postings(reader, field, term)[0], dtype=DOCNUM)

    def facet_postings(self, reader: IndexReader, field: str) -> FacetPostings:
        """Every (document, value) pair of a facet field (onset, exercise...): the values,
        then for each pair its docnum and the index of its value, so one query's counts are
        a single bincount however many values the field has."""
        if field not in self._facet_postings:
            keys, docnums, codes = [], [], []
            for term in reader.lexicon(field):
                key = term.decode() if isinstance(term, bytes) else term
                docs = self.term_docs(reader, field, key)
                docnums.append(docs)
                codes.append(np.full(len(docs), len(keys), dtype=np.int32))
                keys.append(key)
            empty = np.zeros(0, dtype=DOCNUM)
            self._facet_postings[field] = (
                keys,
                np.concatenate(docnums) if docnums else empty,
                np.concatenate(codes) if codes else empty,
            )
        return self._facet_postings[field]


def nbytes(value) -> int:
    """Memory held by an array or a tuple of arrays."""
    return value.nbytes if isinstance(value, np.ndarray) else sum(part.nbytes for part in value)


class PostingsCache:
    """Least recently used arrays (or tuples of arrays), bounded by their total bytes."""

    def __init__(self, capacity: int):
        self._capacity = capacity
        self._size = 0
        self._items: OrderedDict = OrderedDict()

    def get(self, key):
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key, value) -> None:
        self._items[key] = value
        self._size += nbytes(value)
        while self._size > self._capacity and len(self._items) > 1:
            _, dropped = self._items.popitem(last=False)
            self._size -= nbytes(dropped)

    def forget(self, keep_segments: set[str]) -> None:
        for key in [key for key in self._items if key[0] not in keep_segments]:
            self._size -= nbytes(self._items.pop(key))

"""What the engine needs from one index segment, decoded once and kept while it lives.

Segments never change after they are written (only their deletion lists do), so postings,
facet values and sort keys can be cached per segment id across index versions.
"""

from collections import OrderedDict
from itertools import accumulate

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.reading import IndexReader, TermNotFound

# BM25 parameters (the usual defaults).
K1 = 1.2
B = 0.75


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
    """Decoded postings, facet values and sort keys of one segment."""

    def __init__(self, reader: IndexReader):
        self.segment_id = reader.segment().segment_id()
        self.size = reader.doc_count_all()
        # Titles and topic lists are a few words each: only body lengths are worth normalising.
        self._body_normaliser = self._length_normaliser(reader, "body")
        self._published: list[int] | None = None
        self._single_values: dict[str, list[str | None]] = {}
        self._multi_values: dict[str, list[tuple[str, ...]]] = {}

    def _length_normaliser(self, reader: IndexReader, field: str) -> list[float]:
        """K1 * (1 - B + B * length / average length) per document, for BM25."""
        lengths = [reader.doc_field_length(docnum, field) or 0 for docnum in range(self.size)]
        average = (sum(lengths) / len(lengths) if lengths else 0) or 1.0
        return [K1 * (1 - B + B * length / average) for length in lengths]

    def published(self, reader: IndexReader) -> list[int]:
        """Publication time per document (seconds), the key of "newest first"."""
        if self._published is None:
            self._published = list(reader.column_reader("published", translate=False))
        return self._published

    def term_weights(self, reader: IndexReader, field: str, term: str) -> dict[int, float]:
        """{docnum: BM25 term-frequency weight} of a term in a text field (no idf yet)."""
        docnums, frequencies = read_postings(reader, field, term)
        if field != "body":
            return {
                docnum: frequency * (K1 + 1) / (frequency + K1)
                for docnum, frequency in zip(docnums, frequencies, strict=True)
            }
        normaliser = self._body_normaliser
        return {
            docnum: frequency * (K1 + 1) / (frequency + normaliser[docnum])
            for docnum, frequency in zip(docnums, frequencies, strict=True)
        }

    def term_docs(self, reader: IndexReader, field: str, term: str) -> frozenset[int]:
        """The documents holding a term in an untokenised or pair field."""
        return frozenset(read_postings(reader, field, term)[0])

    def single_values(self, reader: IndexReader, field: str) -> list[str | None]:
        """The value of a one-key field (onset, outcome...) per document."""
        if field not in self._single_values:
            values: list[str | None] = [None] * self.size
            for term in reader.lexicon(field):
                key = term.decode() if isinstance(term, bytes) else term
                for docnum in read_postings(reader, field, key)[0]:
                    values[docnum] = key
            self._single_values[field] = values
        return self._single_values[field]

    def multi_values(self, reader: IndexReader, field: str) -> list[tuple[str, ...]]:
        """The values of a many-key field (exercise, tag) per document."""
        if field not in self._multi_values:
            values: list[tuple[str, ...]] = [()] * self.size
            for term in reader.lexicon(field):
                key = term.decode() if isinstance(term, bytes) else term
                for docnum in read_postings(reader, field, key)[0]:
                    values[docnum] = (*values[docnum], key)
            self._multi_values[field] = values
        return self._multi_values[field]


class PostingsCache:
    """Least recently used values, bounded by their total length."""

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
        self._size += len(value)
        while self._size > self._capacity and len(self._items) > 1:
            _, dropped = self._items.popitem(last=False)
            self._size -= len(dropped)

    def forget(self, keep_segments: set[str]) -> None:
        for key in [key for key in self._items if key[0] not in keep_segments]:
            self._size -= len(self._items.pop(key))

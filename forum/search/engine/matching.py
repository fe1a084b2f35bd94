"""Answering a plan from the index: matching documents, BM25 scores, facets and order.

Works on decoded postings (segments.py) with set algebra, so counting every match for
facets costs about as much as finding the first page; decoded postings are cached per
segment and reused across queries and index versions.

Every figure it gives counts live documents only. whoosh's own statistics (doc_frequency,
the lexicon) still count the deleted documents of unmerged segments, which would reveal
words of removed stories: see live_frequencies.
"""

import heapq
import math
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain

from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from forum.search.engine.counting import (
    MULTI_VALUE_FIELDS,
    at_least,
    facet_counts,
    intersect,
    live_count,
    scores,
)
from forum.search.engine.schema import PAIR_FIELD, PUBLIC_TERM, VISIBILITY_FIELD
from forum.search.engine.segments import PostingsCache, SegmentData

# A title word says more about a story than a body word; exercise names and tags in between.
FIELD_WEIGHTS = {"title": 2.0, "body": 1.0, "topics": 1.5}
FACET_FIELDS = ("exercise", "onset", "outcome", "onset_detail")
# Decoded postings kept per process (~90 bytes each).
CACHE_POSTINGS = 1_500_000

# A clause matches when any alternative does; an alternative is one term or a phrase.
Clause = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Plan:
    """What to match, filter, count and return."""

    must: tuple[Clause, ...] = ()
    should: tuple[Clause, ...] = ()
    min_should: int = 1
    must_not: tuple[Clause, ...] = ()
    filters: tuple[tuple[str, str], ...] = ()
    newest_first: bool = False
    limit: int = 20
    # For a visitor who is not signed in: members-only documents neither match nor weigh.
    public_only: bool = False
    # Terms that only add to the score of what matches ("accident" for a story that says
    # "car accident" when the query did, over one that says "collision").
    boost: frozenset[str] = frozenset()
    # Similar experiences need no facet counts.
    count_facets: bool = True

    def scoring_terms(self) -> set[str]:
        matched = {term for clause in self.must + self.should for alt in clause for term in alt}
        return matched | self.boost


@dataclass
class Matches:
    """How many documents match, the first `limit` of them as experience ids, and facets."""

    total: int = 0
    ids: list[int] = field(default_factory=list)
    facets: dict[str, Counter] = field(default_factory=lambda: {f: Counter() for f in FACET_FIELDS})


class Engine:
    """One per process and index generation; callers serialise access to it."""

    def __init__(self, capacity: int = CACHE_POSTINGS):
        self._segments: dict[str, SegmentData] = {}
        self._cache = PostingsCache(capacity)

    def run(self, searcher: Searcher, plan: Plan) -> Matches:
        """Evaluate `plan` against the searcher's current view of the index."""
        leaves = self._leaves(searcher)
        terms = plan.scoring_terms()
        # Only the ranking of several terms weighs them against each other (see _best).
        ranks_terms = not plan.newest_first and len(terms) > 1
        if ranks_terms:
            idf = self._idf(searcher, terms, plan.public_only)
        else:
            idf = dict.fromkeys(terms, 1.0)
        matches = Matches()
        candidates = []
        for position, (reader, _offset) in enumerate(leaves):
            data = self._segment(reader)
            docs = self._matching(reader, data, plan)
            if not docs:
                continue
            matches.total += len(docs)
            if plan.count_facets:
                self._count_facets(reader, data, docs, matches.facets)
            for key, docnum in self._best(reader, data, docs, plan, idf):
                candidates.append((key, position, docnum))
        for _key, position, docnum in heapq.nlargest(plan.limit, candidates):
            matches.ids.append(int(leaves[position][0].stored_fields(docnum)["id"]))
        return matches

    def most_shared(
        self,
        searcher: Searcher,
        name: str,
        terms: list[str],
        minimum: int,
        limit: int,
        public_only: bool = False,
    ) -> list[int]:
        """Experience ids of the documents holding most of `terms` (at least `minimum`)."""
        leaves = self._leaves(searcher)
        ranked = []
        for position, (reader, _offset) in enumerate(leaves):
            data = self._segment(reader)
            shared = Counter(chain.from_iterable(self._docs(reader, data, name, t) for t in terms))
            deleted = self._unseen(reader, data, public_only)
            ranked += [
                (times, position, docnum)
                for docnum, times in shared.items()
                if times >= minimum and docnum not in deleted
            ]
        best = heapq.nlargest(limit, ranked)
        return [int(leaves[position][0].stored_fields(doc)["id"]) for _, position, doc in best]

    def live_frequencies(
        self, searcher: Searcher, terms, name: str | None = None, public_only: bool = False
    ) -> dict[str, int]:
        """How many live documents hold each term, in any text field or in field `name`.

        The only word statistics suggestions, scores and similar experiences may use: they
        skip deleted documents, which unmerged segments keep along with their terms, and
        with `public_only` members-only ones too. The postings come from (and stay in) the
        cache that queries use.
        """
        counts = dict.fromkeys(terms, 0)
        for reader, _offset in self._leaves(searcher):
            data = self._segment(reader)
            deleted = self._unseen(reader, data, public_only)
            for term in counts:
                if name is None:
                    docs = self._term_weights(reader, data, term)
                else:
                    docs = self._docs(reader, data, name, term)
                counts[term] += live_count(docs, deleted)
        return counts

    def rarest(
        self,
        searcher: Searcher,
        terms,
        count: int,
        name: str | None = None,
        public_only: bool = False,
        held_by_more_than: int = 0,
    ) -> list[str]:
        """The `count` terms held by fewest live documents (more than `held_by_more_than`),
        rarest first, ties by term: as ranking every term by live_frequencies, but without
        decoding the postings of common terms, which cost the most.

        whoosh's doc_frequency counts deleted (and members-only) documents too, so it only
        bounds a term's live frequency from below (minus the unseen documents); terms are
        taken in the order of that bound and counted exactly, until the next bound is above
        the `count`-th live frequency found: no later term can be rarer. For text, the body
        alone gives the bound (each look-up costs ~20 µs; the body holds nearly every word).
        """
        field = "body" if name is None else name
        bounds = dict.fromkeys(terms, 0)
        for reader, _offset in self._leaves(searcher):
            unseen = len(self._unseen(reader, self._segment(reader), public_only))
            for term in bounds:
                bounds[term] += max(0, reader.doc_frequency(field, term) - unseen)
        found: list[tuple[int, str]] = []
        for term in sorted(bounds, key=lambda term: (bounds[term], term)):
            if len(found) == count and bounds[term] > found[-1][0]:
                break
            frequency = self.live_frequencies(searcher, [term], name, public_only)[term]
            if frequency > held_by_more_than:
                found = sorted([*found, (frequency, term)])[:count]
        return [term for _frequency, term in found]

    def _unseen(self, reader, data: SegmentData, public_only: bool):
        """The segment's documents that no statistic may count: deleted ones, and with
        `public_only` those a visitor may not read."""
        deleted = reader.deleted_docs_set if reader.has_deletions() else frozenset()
        if not public_only:
            return deleted
        public = self._docs(reader, data, VISIBILITY_FIELD, PUBLIC_TERM)
        return set(range(data.size)).difference(public).union(deleted)

    def prepare(self, searcher: Searcher) -> None:
        """Decode what every query needs (lengths, facet values) before the first one asks."""
        for reader, _offset in searcher.reader().leaf_readers():
            if reader.segment():
                data = self._segment(reader)
                data.published(reader)
                for name in FACET_FIELDS:
                    if name in MULTI_VALUE_FIELDS:
                        data.multi_values(reader, name)
                    else:
                        data.single_values(reader, name)

    def _segment(self, reader: IndexReader) -> SegmentData:
        segment_id = reader.segment().segment_id()
        if segment_id not in self._segments:
            self._segments[segment_id] = SegmentData(reader)
        return self._segments[segment_id]

    def _leaves(self, searcher: Searcher) -> list:
        """The searcher's segment readers, forgetting the cache of segments merged away."""
        # An index without documents has one empty reader and no segments.
        leaves = [leaf for leaf in searcher.reader().leaf_readers() if leaf[0].segment()]
        self._forget_other_segments(leaves)
        return leaves

    def _forget_other_segments(self, leaves) -> None:
        live = {reader.segment().segment_id() for reader, _ in leaves}
        if set(self._segments) - live:
            self._segments = {key: data for key, data in self._segments.items() if key in live}
            self._cache.forget(live)

    def _idf(self, searcher: Searcher, terms: set[str], public_only: bool) -> dict[str, float]:
        """BM25 inverse document frequency over live documents (doc_count skips deleted),
        and over public ones only for a visitor."""
        count = searcher.doc_count()
        if public_only:
            count = self.live_frequencies(searcher, [PUBLIC_TERM], VISIBILITY_FIELD, False)
            count = count[PUBLIC_TERM]
        return {
            term: math.log(1 + (count - frequency + 0.5) / (frequency + 0.5))
            for term, frequency in self.live_frequencies(
                searcher, terms, public_only=public_only
            ).items()
        }

    def _term_weights(self, reader, data: SegmentData, term: str) -> dict[int, float]:
        """{docnum: weight} of a term over the text fields, field weights applied."""
        key = (data.segment_id, "text", term)
        weights = self._cache.get(key)
        if weights is None:
            weights = data.term_weights(reader, "body", term)
            for name in ("title", "topics"):
                boost = FIELD_WEIGHTS[name]
                for docnum, weight in data.term_weights(reader, name, term).items():
                    weights[docnum] = weights.get(docnum, 0.0) + boost * weight
            self._cache.put(key, weights)
        return weights

    def _docs(self, reader, data: SegmentData, name: str, term: str) -> frozenset[int]:
        key = (data.segment_id, name, term)
        docs = self._cache.get(key)
        if docs is None:
            docs = data.term_docs(reader, name, term)
            self._cache.put(key, docs)
        return docs

    def _clause_docs(self, reader, data: SegmentData, clause: Clause):
        found = []
        for alternative in clause:
            if len(alternative) == 1:
                found.append(self._term_weights(reader, data, alternative[0]))
            else:
                pairs = [f"{a}-{b}" for a, b in zip(alternative, alternative[1:], strict=False)]
                found.append(intersect(self._docs(reader, data, PAIR_FIELD, p) for p in pairs))
        return found[0] if len(found) == 1 else set().union(*found)

    def _matching(self, reader, data: SegmentData, plan: Plan) -> set[int]:
        required = [self._clause_docs(reader, data, clause) for clause in plan.must]
        required += [self._docs(reader, data, name, key) for name, key in plan.filters]
        if plan.public_only:
            required.append(self._docs(reader, data, VISIBILITY_FIELD, PUBLIC_TERM))
        if plan.should:
            optional = [self._clause_docs(reader, data, clause) for clause in plan.should]
            required.append(at_least(plan.min_should, optional))
        docs = intersect(required) if required else set(range(data.size))
        for clause in plan.must_not:
            docs.difference_update(self._clause_docs(reader, data, clause))
        if reader.has_deletions():
            docs.difference_update(reader.deleted_docs_set)
        return docs

    def _count_facets(self, reader, data: SegmentData, docs: set[int], facets: dict) -> None:
        if len(docs) * 2 <= data.size:
            for name, counts in facets.items():
                counts.update(facet_counts(reader, data, name, docs))
            return
        # Most of the segment matches: count what does not match and subtract it from the
        # counts over every live document, which only change when documents are deleted.
        deleted = reader.deleted_docs_set if reader.has_deletions() else frozenset()
        key = (data.segment_id, "all facets", len(deleted))
        everything = self._cache.get(key)
        if everything is None:
            live = set(range(data.size)).difference(deleted)
            everything = {name: facet_counts(reader, data, name, live) for name in FACET_FIELDS}
            self._cache.put(key, everything)
        rest = set(range(data.size)).difference(docs, deleted)
        for name, counts in facets.items():
            counts.update(everything[name] - facet_counts(reader, data, name, rest))

    def _best(self, reader, data: SegmentData, docs: set[int], plan: Plan, idf: dict):
        """The segment's best `plan.limit` documents as (sort key, docnum)."""
        if plan.newest_first or not idf:
            order = data.published(reader).__getitem__
        elif len(idf) == 1:
            # One scoring term: every positive clause is that term, so each matching
            # document has a weight for it.
            order = self._term_weights(reader, data, next(iter(idf))).__getitem__
        else:
            weighted = [(idf[term], self._term_weights(reader, data, term)) for term in idf]
            optional = []
            if plan.min_should < len(plan.should):  # else every match has every clause
                optional = [self._clause_docs(reader, data, clause) for clause in plan.should]
            order = scores(docs, weighted, optional).__getitem__
        best = heapq.nlargest(plan.limit, docs, key=order)
        return [(order(docnum), docnum) for docnum in best]

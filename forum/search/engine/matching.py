"""Answering a plan from the index: matching documents, BM25 scores, facets and order.

Works on decoded postings (segments.py) with boolean masks and array sums (counting.py), so
counting every match for facets costs about as much as finding the first page; decoded
postings are cached per segment and reused across queries and index versions.

Every figure it gives counts live documents only. whoosh's own statistics (doc_frequency,
the lexicon) still count the deleted documents of unmerged segments, which would reveal
words of removed stories: see live_frequencies.
"""

import heapq
import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from forum.search.engine.counting import (
    best,
    facet_counts,
    live_count,
    mask_of,
    weighted_sum,
)
from forum.search.engine.schema import PAIR_FIELD, PUBLIC_TERM, VISIBILITY_FIELD
from forum.search.engine.segments import DOCNUM, Postings, PostingsCache, SegmentData

# A title word says more about a story than a body word; exercise names and tags in between.
FIELD_WEIGHTS = {"title": 2.0, "body": 1.0, "topics": 1.5}
FACET_FIELDS = ("exercise", "onset", "outcome", "onset_detail")
# Bytes of decoded postings kept per process: ~10 million postings at 12 bytes (a docnum and
# a float64 weight; a docnum alone for keyword and pair terms), about what 1.5 million took
# as Python dicts.
CACHE_BYTES = 128 * 1024 * 1024

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

    def __init__(self, capacity: int = CACHE_BYTES):
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
            matched, clauses_held = self._matching(reader, data, plan)
            docs = np.flatnonzero(matched)
            if not len(docs):
                continue
            matches.total += len(docs)
            if plan.count_facets:
                for name, counts in matches.facets.items():
                    counts.update(facet_counts(data.facet_postings(reader, name), matched))
            for key, docnum in self._best(reader, data, docs, clauses_held, plan, idf):
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
            shared = np.zeros(data.size, dtype=np.int32)
            for term in terms:
                shared[self._docs(reader, data, name, term)] += 1
            unseen = self._unseen(reader, data, public_only)
            if unseen is not None:
                shared[unseen] = 0
            docs = np.flatnonzero(shared >= minimum)
            ranked += [
                (times, position, docnum)
                for times, docnum in zip(shared[docs].tolist(), docs.tolist(), strict=True)
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
            unseen = self._unseen(reader, data, public_only)
            for term in counts:
                if name is None:
                    docs = self._term_weights(reader, data, term)[0]
                else:
                    docs = self._docs(reader, data, name, term)
                counts[term] += live_count(docs, unseen)
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
            unseen = self._unseen(reader, self._segment(reader), public_only)
            unseen = 0 if unseen is None else int(np.count_nonzero(unseen))
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

    def _unseen(self, reader, data: SegmentData, public_only: bool) -> np.ndarray | None:
        """The segment's documents that no match or statistic may count, as a mask (None:
        every one counts): deleted ones, and with `public_only` those a visitor may not
        read."""
        deleted = reader.deleted_docs_set if reader.has_deletions() else frozenset()
        deletions, unseen = data.unseen.get(public_only, (None, None))
        if deletions != len(deleted):
            unseen = None
            if deleted:
                unseen = mask_of(data.size, np.fromiter(deleted, dtype=DOCNUM))
            if public_only:
                public = mask_of(data.size, self._docs(reader, data, VISIBILITY_FIELD, PUBLIC_TERM))
                unseen = ~public if unseen is None else unseen | ~public
            data.unseen[public_only] = len(deleted), unseen
        return unseen

    def prepare(self, searcher: Searcher) -> None:
        """Decode what every query needs (lengths, facet values) before the first one asks."""
        for reader, _offset in searcher.reader().leaf_readers():
            if reader.segment():
                data = self._segment(reader)
                data.published(reader)
                for name in FACET_FIELDS:
                    data.facet_postings(reader, name)

    def commonest(self, searcher: Searcher, count: int) -> list[str]:
        """The `count` body terms used most often (deleted documents included: this only
        chooses what to decode ahead, it is never shown)."""
        return [term.decode() for _, term in searcher.reader().most_frequent_terms("body", count)]

    def decode(self, searcher: Searcher, term: str) -> None:
        """Decode a text term's postings into the cache, as a query holding it would."""
        for reader, _offset in self._leaves(searcher):
            self._term_weights(reader, self._segment(reader), term)

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

    def _term_weights(self, reader, data: SegmentData, term: str) -> Postings:
        """(docnums, weights) of a term over the text fields, field weights applied."""
        key = (data.segment_id, "text", term)
        weights = self._cache.get(key)
        if weights is None:
            docnums, body = data.term_weights(reader, "body", term)
            parts = [(docnums, body)]
            for name in ("title", "topics"):
                other, values = data.term_weights(reader, name, term)
                if len(other):
                    parts.append((other, FIELD_WEIGHTS[name] * values))
            weights = docnums, body
            if len(parts) > 1:
                # One weight per document: the body's, then the title's, then the topics'
                # added in that order (bincount sums in the order of its input).
                docnums, where = np.unique(
                    np.concatenate([part[0] for part in parts]), return_inverse=True
                )
                summed = np.bincount(where, weights=np.concatenate([part[1] for part in parts]))
                weights = docnums.astype(DOCNUM), summed
            self._cache.put(key, weights)
        return weights

    def _docs(self, reader, data: SegmentData, name: str, term: str) -> np.ndarray:
        key = (data.segment_id, name, term)
        docs = self._cache.get(key)
        if docs is None:
            docs = data.term_docs(reader, name, term)
            self._cache.put(key, docs)
        return docs

    def _clause_mask(self, reader, data: SegmentData, clause: Clause) -> np.ndarray:
        """The documents holding any alternative of the clause (a term, or a phrase: each
        of its adjacent pairs)."""
        mask = np.zeros(data.size, dtype=bool)
        for alternative in clause:
            if len(alternative) == 1:
                mask[self._term_weights(reader, data, alternative[0])[0]] = True
                continue
            pairs = [f"{a}-{b}" for a, b in zip(alternative, alternative[1:], strict=False)]
            phrase = mask_of(data.size, self._docs(reader, data, PAIR_FIELD, pairs[0]))
            for pair in pairs[1:]:
                phrase &= mask_of(data.size, self._docs(reader, data, PAIR_FIELD, pair))
            mask |= phrase
        return mask

    def _matching(self, reader, data: SegmentData, plan: Plan):
        """The live documents matching `plan` as a mask, and how many of the plan's
        optional clauses each document holds (None without optional clauses)."""
        matched = np.ones(data.size, dtype=bool)
        for clause in plan.must:
            matched &= self._clause_mask(reader, data, clause)
        for name, key in plan.filters:
            matched &= mask_of(data.size, self._docs(reader, data, name, key))
        clauses_held = None
        if plan.should:
            clauses_held = np.zeros(data.size, dtype=np.int32)
            for clause in plan.should:
                clauses_held += self._clause_mask(reader, data, clause)
            matched &= clauses_held >= plan.min_should
        for clause in plan.must_not:
            matched &= ~self._clause_mask(reader, data, clause)
        unseen = self._unseen(reader, data, plan.public_only)
        if unseen is not None:
            matched &= ~unseen
        return matched, clauses_held

    def _best(self, reader, data: SegmentData, docs, clauses_held, plan: Plan, idf: dict):
        """The segment's best `plan.limit` documents as (sort key, docnum)."""
        if plan.newest_first or not idf:
            keys = data.published(reader)[docs]
        elif len(idf) == 1:
            # One scoring term: every positive clause is that term, so each matching
            # document has a weight for it.
            weighted = [(1.0, self._term_weights(reader, data, next(iter(idf))))]
            keys = weighted_sum(data.size, weighted)[docs]
        else:
            weighted = [(idf[term], self._term_weights(reader, data, term)) for term in idf]
            keys = weighted_sum(data.size, weighted)[docs]
            if len(plan.should) > 1 and plan.min_should < len(plan.should):
                # Else every match has every clause. Scaled by the share of optional
                # clauses matched.
                keys *= (1 + clauses_held[docs]) / (1 + len(plan.should))
        return best(keys, docs, plan.limit)

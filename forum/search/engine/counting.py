"""Set algebra, BM25 scores and facet counts over decoded postings (sets and dicts)."""

from collections import Counter
from itertools import chain

from forum.search.engine.segments import SegmentData

MULTI_VALUE_FIELDS = frozenset({"exercise", "tag"})


def live_count(docs, deleted) -> int:
    """How many of `docs` are not in `deleted`, iterating the smaller."""
    if not deleted:
        return len(docs)
    if len(deleted) < len(docs):
        return len(docs) - sum(1 for docnum in deleted if docnum in docs)
    return sum(1 for docnum in docs if docnum not in deleted)


def facet_counts(reader, data: SegmentData, name: str, docs: set[int]) -> Counter:
    """How many of `docs` have each value of a facet field."""
    if name in MULTI_VALUE_FIELDS:
        values = data.multi_values(reader, name)
        return Counter(chain.from_iterable(map(values.__getitem__, docs)))
    counts = Counter(map(data.single_values(reader, name).__getitem__, docs))
    counts.pop(None, None)
    return counts


def scores(docs: set[int], weighted: list, optional: list) -> dict[int, float]:
    """BM25 over the query terms, scaled by the share of optional clauses matched.

    Loops over whichever is smaller, the documents or a term's postings, one term at a
    time: far cheaper than a Python scoring call per document.
    """
    totals = dict.fromkeys(docs, 0.0)
    for weight_of_term, weights in weighted:
        if len(weights) < len(totals):
            for docnum, weight in weights.items():
                if docnum in totals:
                    totals[docnum] += weight_of_term * weight
        else:
            get = weights.get
            for docnum in totals:
                weight = get(docnum)
                if weight:
                    totals[docnum] += weight_of_term * weight
    if len(optional) > 1:
        matched = Counter(chain.from_iterable(common(docs, clause) for clause in optional))
        share = 1 + len(optional)
        for docnum, times in matched.items():
            totals[docnum] *= (1 + times) / share
    return totals


def common(docs: set[int], collection) -> list[int]:
    """The documents in both, iterating the smaller (works on sets and dicts)."""
    if len(docs) <= len(collection):
        return [docnum for docnum in docs if docnum in collection]
    return [docnum for docnum in collection if docnum in docs]


def intersect(collections) -> set[int]:
    """Documents in every collection, iterating the smallest (works on sets and dicts)."""
    ordered = sorted(collections, key=len)
    if not ordered:
        return set()
    result = set(ordered[0])
    for other in ordered[1:]:
        result = {docnum for docnum in result if docnum in other}
        if not result:
            break
    return result


def at_least(count: int, collections: list) -> set[int]:
    """Documents found in at least `count` of the collections."""
    if count <= 1:
        return set().union(*collections)
    if count >= len(collections):
        return intersect(collections)
    seen = Counter(chain.from_iterable(collections))
    return {docnum for docnum, times in seen.items() if times >= count}

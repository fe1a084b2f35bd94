"""Set algebra, BM25 scores and facet counts over decoded postings (numpy arrays).

A query works on one boolean mask per segment (a byte per document): intersections,
"at least n of these clauses", exclusions and unseen documents are whole-array operations
in C, which cost less than one Python step per matching document once a clause holds more
than a few hundred documents.
"""

from collections import Counter

import numpy as np

from forum.search.engine.segments import FacetPostings


def mask_of(size: int, docnums: np.ndarray) -> np.ndarray:
    """A segment's documents as booleans, true for `docnums`."""
    mask = np.zeros(size, dtype=bool)
    mask[docnums] = True
    return mask


def live_count(docnums: np.ndarray, unseen: np.ndarray | None) -> int:
    """How many of `docnums` are not `unseen`."""
    if unseen is None:
        return len(docnums)
    return len(docnums) - int(np.count_nonzero(unseen[docnums]))


def facet_counts(postings: FacetPostings, matched: np.ndarray) -> Counter:
    """How many matched documents have each value of a facet field."""
    keys, docnums, codes = postings
    counts = np.bincount(codes[matched[docnums]], minlength=len(keys))
    return Counter({key: count for key, count in zip(keys, counts.tolist(), strict=True) if count})


def weighted_sum(size: int, weighted: list) -> np.ndarray:
    """Σ idf × weight per document over (idf, (docnums, weights)), in the order given (so
    the floating-point sums are those of adding term by term)."""
    totals = np.zeros(size)
    for weight_of_term, (docnums, weights) in weighted:
        totals[docnums] += weight_of_term * weights
    return totals


def best(keys: np.ndarray, docnums: np.ndarray, limit: int) -> list[tuple]:
    """The `limit` (key, docnum) with the highest keys, highest first; among equal keys the
    later document, as the merge across segments orders them too."""
    if len(keys) > limit > 0:
        # Only the keys from the limit-th highest up can be among the best (all its ties too).
        threshold = np.partition(keys, len(keys) - limit)[len(keys) - limit]
        kept = keys >= threshold
        keys, docnums = keys[kept], docnums[kept]
    order = np.lexsort((docnums, keys))[::-1][:limit]
    return list(zip(keys[order].tolist(), docnums[order].tolist(), strict=True))

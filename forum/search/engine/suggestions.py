""" "Did you mean": corrections for query words that no published story contains, drawn
only from words published stories contain now."""

import re
from collections import defaultdict
from collections.abc import Callable

from whoosh.searching import Searcher

from forum.search.engine.analysis import stem_word, terms_with_spans
from forum.search.engine.matching import Engine
from forum.search.engine.synonyms import CANONICAL_LABELS

MAX_DISTANCE = 2
MAX_WORD_LENGTH = 30
# Live documents read from the database to find how members spell a suggested term.
SURFACE_DOCUMENTS = 3


def corrections(
    searcher: Searcher, engine: Engine, words: tuple[str, ...], public_only: bool = False
) -> dict[str, str]:
    """{misspelt word: index term to use instead} for words no live document holds.

    whoosh's lexicon and doc_frequency still hold the terms of deleted documents until their
    segment is merged, and big segments rarely are: every candidate is checked against live
    postings (engine.live_frequencies), so a suggestion only ever names published words;
    with `public_only` (a visitor), words of public stories only.
    """
    terms = {word: stem_word(word) for word in words if len(word) <= MAX_WORD_LENGTH}
    terms = {word: term for word, term in terms.items() if term}
    known = engine.live_frequencies(searcher, set(terms.values()), public_only=public_only)
    found = {}
    for word, term in terms.items():
        if known[term]:
            continue
        candidate = _closest_live_term(searcher, engine, term, public_only)
        if candidate:
            found[word] = candidate
    return found


def _closest_live_term(
    searcher: Searcher, engine: Engine, term: str, public_only: bool = False
) -> str | None:
    """The nearest term some live document holds, the most used one among equals."""
    reader = searcher.reader()
    by_distance: dict[int, set[str]] = defaultdict(set)
    for name in ("title", "body"):
        for option in reader.terms_within(name, term, MAX_DISTANCE, prefix=1):
            by_distance[distance(term, option)].add(option)
    # Nearest first: the postings of farther candidates are never read when a near one lives.
    for _distance, options in sorted(by_distance.items()):
        live = {
            option: count
            for option, count in engine.live_frequencies(
                searcher, options, public_only=public_only
            ).items()
            if count
        }
        if live:
            return min(live, key=lambda option: (-live[option], option))
    return None


def distance(first: str, second: str) -> int:
    """Edits between two words, a swap of neighbours counting as one (typing slips)."""
    rows = [list(range(len(second) + 1))]
    for i, char in enumerate(first, 1):
        row = [i]
        for j, other in enumerate(second, 1):
            best = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (char != other))
            if i > 1 and j > 1 and char == second[j - 2] and first[i - 2] == other:
                best = min(best, rows[-2][j - 2] + 1)
            row.append(best)
        rows.append(row)
    return rows[-1][-1]


def surface_word(searcher: Searcher, term: str, text_of: Callable[[int], str]) -> str | None:
    """A word members write for an index term: "exercise" rather than "exercis".

    Read from the published text (`text_of`) of a live document holding the term; None when
    none shows it (the index has not yet applied an unpublication), so no stem leaks either.
    """
    if term in CANONICAL_LABELS:
        return CANONICAL_LABELS[term]
    reader = searcher.reader()
    for name in ("title", "body"):
        if (name, term) not in reader:
            continue
        # whoosh's postings skip deleted documents.
        matcher = reader.postings(name, term)
        for _ in range(SURFACE_DOCUMENTS):
            if not matcher.is_active():
                break
            # text_of answers "" for a story the asker may not read.
            text = text_of(int(searcher.stored_fields(matcher.id())["id"]))
            for found, start, end in terms_with_spans(text):
                if found == term:
                    return text[start:end].lower()
            matcher.next()
    return None


def suggested_query(text: str, replacements: dict[str, str]) -> str:
    """The query with each misspelt word replaced, everything else as typed."""
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(map(re.escape, replacements)) + r")(?!\w)", re.IGNORECASE
    )
    return pattern.sub(lambda match: replacements[match.group(1).lower()], text)

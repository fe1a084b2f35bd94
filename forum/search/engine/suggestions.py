""" "Did you mean": corrections for query words that no published story contains, drawn
only from words published stories contain now, and from the community's fixed vocabulary
(synonyms.DOMAIN_WORDS: words in the code, never user content)."""

import re
from collections import defaultdict
from collections.abc import Callable

from whoosh.searching import Searcher

from forum.search.engine.analysis import stem_word, stems, terms_with_spans
from forum.search.engine.matching import Engine
from forum.search.engine.synonyms import CANONICAL_LABELS, DOMAIN_WORDS, canonicalise

MAX_DISTANCE = 2
# Words this short get one edit at most: two edits turn "PEM" into "pay".
SHORT_WORD = 4
# A word some story holds is still corrected when it is one edit away from a domain word at
# least this long ("fibromialgia", written by some, is fibromyalgia); shorter domain words
# have real neighbours ("pacing" and "racing")...
LONG_DOMAIN_WORD = 10
# ...and are offered only when live stories use them this many times as often as the word
# ("qigon", a slip some make, beside qigong).
COMMONER = 10
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
    # Canonical words and the domain's own words are never "corrected".
    terms = {
        word: term
        for word, term in terms.items()
        if term and term not in CANONICAL_LABELS and word not in DOMAIN_WORDS
    }
    known = engine.live_frequencies(searcher, set(terms.values()), public_only=public_only)
    found = {}
    for word, term in terms.items():
        if known[term]:
            candidate = _domain_word(word, term, LONG_DOMAIN_WORD, 1) or _commoner_domain_word(
                searcher, engine, word, term, known[term], public_only
            )
            if candidate:
                found[word] = DOMAIN_PREFIX + candidate[0]
            continue
        candidate = _domain_word(word, term, 0, _max_distance(word))
        near = _closest_live_term(searcher, engine, term, _max_distance(term), public_only)
        if candidate and (near is None or candidate[1] <= near[1]):
            found[word] = DOMAIN_PREFIX + candidate[0]
        elif near:
            found[word] = near[0]
    return found


# How corrections marks a domain word (a surface word, not an index term).
DOMAIN_PREFIX = "="


def _max_distance(word: str) -> int:
    return 1 if len(word) <= SHORT_WORD else MAX_DISTANCE


def _domain_word(word: str, term: str, min_length: int, limit: int) -> tuple[str, int] | None:
    """(domain word, edits) nearest to `word`, or None; never one meaning the same term."""
    options = [
        (distance(word, option), option)
        for option in DOMAIN_WORDS
        if len(option) >= min_length and abs(len(option) - len(word)) <= limit
    ]
    options = [
        (edits, option)
        for edits, option in options
        if 0 < edits <= limit and stem_word(option) != term
    ]
    if not options:
        return None
    edits, option = min(options)
    return option, edits


def _commoner_domain_word(
    searcher: Searcher, engine: Engine, word: str, term: str, count: int, public_only: bool
) -> tuple[str, int] | None:
    """A domain word one edit from `word` that live stories use COMMONER times as often."""
    candidate = _domain_word(word, term, SHORT_WORD + 1, 1)
    if candidate is None:
        return None
    index_term = next(iter(stems(canonicalise(candidate[0]))), None)
    if index_term is None:
        return None
    used = engine.live_frequencies(searcher, {index_term}, public_only=public_only)[index_term]
    return candidate if used >= COMMONER * count else None


def _closest_live_term(
    searcher: Searcher, engine: Engine, term: str, limit: int, public_only: bool = False
) -> tuple[str, int] | None:
    """(nearest term some live document holds, edits), the most used one among equals."""
    reader = searcher.reader()
    by_distance: dict[int, set[str]] = defaultdict(set)
    for name in ("title", "body"):
        for option in reader.terms_within(name, term, limit, prefix=1):
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
            return min(live, key=lambda option: (-live[option], option)), _distance
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
    A domain word (marked by corrections) is shown as the code spells it.
    """
    if term.startswith(DOMAIN_PREFIX):
        return term[len(DOMAIN_PREFIX) :]
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

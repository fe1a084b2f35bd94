""" "Did you mean": corrections for query words that no published story contains."""

import re
from collections.abc import Callable

from whoosh.searching import Searcher

from forum.search.engine.analysis import stem_word, terms_with_spans
from forum.search.engine.schema import TEXT_FIELDS
from forum.search.engine.synonyms import CANONICAL_LABELS

MAX_DISTANCE = 2
MAX_WORD_LENGTH = 30


def corrections(searcher: Searcher, words: tuple[str, ...]) -> dict[str, str]:
    """{misspelt word: index term to use instead} for words the index does not know."""
    found = {}
    for word in words:
        term = stem_word(word) if len(word) <= MAX_WORD_LENGTH else None
        if term is None or any(searcher.doc_frequency(name, term) for name in TEXT_FIELDS):
            continue
        candidate = _closest_term(searcher, term)
        if candidate:
            found[word] = candidate
    return found


def _closest_term(searcher: Searcher, term: str) -> str | None:
    reader = searcher.reader()
    options = set()
    for name in ("title", "body"):
        options.update(reader.terms_within(name, term, MAX_DISTANCE, prefix=1))
    if not options:
        return None
    return min(
        options,
        key=lambda option: (
            distance(term, option),
            -searcher.doc_frequency("body", option),
            option,
        ),
    )


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


def surface_word(searcher: Searcher, term: str, text_of: Callable[[int], str]) -> str:
    """A word members write for an index term: "exercise" rather than "exercis"."""
    if term in CANONICAL_LABELS:
        return CANONICAL_LABELS[term]
    reader = searcher.reader()
    for name in ("title", "body"):
        if (name, term) not in reader:
            continue
        matcher = reader.postings(name, term)
        if not matcher.is_active():
            continue
        experience_id = int(searcher.stored_fields(matcher.id())["id"])
        text = text_of(experience_id)
        for found, start, end in terms_with_spans(text):
            if found == term:
                return text[start:end].lower()
    return term


def suggested_query(text: str, replacements: dict[str, str]) -> str:
    """The query with each misspelt word replaced, everything else as typed."""
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(map(re.escape, replacements)) + r")(?!\w)", re.IGNORECASE
    )
    return pattern.sub(lambda match: replacements[match.group(1).lower()], text)

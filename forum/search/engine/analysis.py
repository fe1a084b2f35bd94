"""How text becomes index terms: one pipeline for documents, queries and highlights alike."""

import re
from collections.abc import Iterator
from functools import lru_cache

from whoosh.analysis.filters import STOP_WORDS as WHOOSH_STOP_WORDS
from whoosh.lang.porter2 import stem

from forum.search.engine.synonyms import (
    CANONICAL_LABELS,
    CONCEPTS,
    SPELLING_PATTERN,
    canonical_word,
    canonicalise,
    spelling_pattern_for,
)

# Function words carry no meaning in a member's question; dropping them keeps postings
# short and lets "how do I start after a car accident" rank on its content words.
_MORE_STOP_WORDS = """
about above after again all also am any anyone anything around been before being but
could did do does doing done each even ever every get got had has having he her here him
his how i im into its just me more most much my myself no nor now off once only other
our out over own really same she should so some such than their them then there these
they those through too under until up very was were what whats where which while who why
without would yes
"""
STOP_WORDS = WHOOSH_STOP_WORDS | frozenset(_MORE_STOP_WORDS.split())

# The same token pattern whoosh's analyzers use, so highlights find what the index holds.
WORD_PATTERN = r"\w+(?:\.?\w+)*"
_word_or_spelling = re.compile(f"{SPELLING_PATTERN.pattern}|{WORD_PATTERN}", re.IGNORECASE)
_word_finder_all = re.compile(WORD_PATTERN)
_link_target = re.compile(r"\]\([^)]*\)|https?://\S+|<[^>]*>")


def searchable_text(markdown_source: str) -> str:
    """A member's Markdown as the words to index: link targets dropped, spellings folded."""
    return canonicalise(_link_target.sub(" ", markdown_source))


def document_terms(text: str, markdown: bool = True) -> tuple[list[str], list[str]]:
    """A story's title or body as (index terms in order, the community's words' own terms).

    One pass folds the spellings and collects the words inside the community's ones, which
    are indexed beside their canonical word so that "accident" still finds "car accident"
    (synonyms.CONCEPTS); the pairs for phrases come from the first list only.
    """
    extra: list[str] = []

    def fold(match: re.Match) -> str:
        canonical = canonical_word(match)
        if canonical in CONCEPTS:
            extra.extend(literal_terms(match.group(), canonical))
        return canonical

    source = _link_target.sub(" ", text) if markdown else text
    return stems(SPELLING_PATTERN.sub(fold, source)), extra


def literal_terms(spelling: str, canonical: str) -> list[str]:
    """The index terms of a spelling's own words, its canonical word and acronyms left out."""
    terms = (_inner_term(word) for word in re.findall(WORD_PATTERN, spelling))
    return [term for term in terms if term and term != canonical]


def _inner_term(word: str) -> str | None:
    """A word's stem even when the word is also a canonical one ("pacing" -> "pace")."""
    if word.isupper() or not stem_word(word):
        return None
    return stem(word.lower())


@lru_cache(maxsize=50_000)
def stem_word(word: str) -> str | None:
    """The index term for one word, or None when the word is a stop word or too short."""
    word = word.lower()
    if len(word) < 2 or word in STOP_WORDS:
        return None
    # Canonical exercise words must come out exactly as highlights and filters expect.
    return word if word in CANONICAL_LABELS else stem(word)


def stems(text: str) -> list[str]:
    """The index terms of already canonicalised text, in order."""
    terms = (stem_word(word) for word in re.findall(WORD_PATTERN, text))
    return [term for term in terms if term]


@lru_cache(maxsize=512)
def _word_finder(terms: frozenset[str]) -> re.Pattern:
    """A pattern stopping only at words that start like one of `terms`.

    A word's stem drops or changes at most its last letters, so the stem without them is a
    prefix of the word (irregular forms such as "dying" aside): stemming those few candidates
    is far cheaper than stemming every word.
    """
    prefixes = sorted({re.escape(term[: max(2, len(term) - 2)]) for term in terms}, key=len)
    return re.compile(rf"(?<!\w)(?:{'|'.join(reversed(prefixes))})\w*(?:\.?\w+)*", re.IGNORECASE)


def spans_of(text: str, terms: frozenset[str]) -> list[tuple[int, int]]:
    """(start, end) of every word or exercise spelling in raw text whose term is in `terms`."""
    pattern = spelling_pattern_for(terms)
    spellings = [(match, range(match.start(), match.end())) for match in pattern.finditer(text)]
    spans = [
        (match.start(), match.end()) for match, _ in spellings if canonical_word(match) in terms
    ]
    # The words of an exercise spelling ("tai" in "tai chi") are indexed as the spelling's
    # term only; those of the community's words ("accident" in "car accident") also alone.
    taken = [
        span
        for match, span in spellings
        if canonical_word(match) not in CONCEPTS or canonical_word(match) in terms
    ]
    if terms:
        for match in _word_finder(terms).finditer(text):
            inside = any(match.start() in span for span in taken)
            if not inside and stem_word(match.group()) in terms:
                spans.append((match.start(), match.end()))
    return sorted(spans)


def terms_with_spans(text: str) -> Iterator[tuple[str, int, int]]:
    """(term, start, end) for every word of raw text, spellings folded as the index folds them."""
    for match in _word_or_spelling.finditer(text):
        canonical = canonical_word(match)
        term = canonical if canonical else stem_word(match.group())
        if term:
            yield term, match.start(), match.end()
        if canonical in CONCEPTS:
            for inner in _word_finder_all.finditer(match.group()):
                found = _inner_term(inner.group())
                if found and found != canonical:
                    yield found, match.start() + inner.start(), match.start() + inner.end()

"""What a member types, turned into clauses: words, "phrases", -exclusions and OR.

Nothing else has a meaning: field names, brackets, wildcards and operators other than OR
are ordinary characters, so no input can reach a hidden field or upset a parser.
"""

import math
import re
import unicodedata
from dataclasses import dataclass, replace

from forum.search.engine.analysis import literal_terms, stem_word, stems
from forum.search.engine.matching import Clause
from forum.search.engine.synonyms import CONCEPTS, SPELLING_PATTERN, canonical_word

MAX_QUERY_CHARS = 500
MAX_CLAUSES = 12
# With more than two words, a story may miss some of them: "how do I start exercising
# after a car accident without flaring" still finds accounts that never say "flaring".
SHARE_OF_WORDS = 0.6
# How members ask rather than what they ask about: "what helps after a car accident" is
# about car accidents, not about stories that say "helps". Dropped when a query has other
# words (stems; "exercise" is what every story here is about).
QUESTION_TERMS = frozenset(("help", "tip", "advic", "idea", "recommend", "suggest", "exercis"))

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
_TOKEN = re.compile(r'(?P<negated>-*)"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+)')


@dataclass(frozen=True)
class ParsedQuery:
    """The clauses of a query and the words to check for spelling."""

    text: str
    should: tuple[Clause, ...] = ()
    must: tuple[Clause, ...] = ()
    must_not: tuple[Clause, ...] = ()
    words: tuple[str, ...] = ()
    shortened: bool = False
    # The community's words as typed ("car accident"), to rank a story written the same way
    # first among those of the same canonical word; they never widen what matches.
    boost: frozenset[str] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not (self.should or self.must)

    @property
    def min_should(self) -> int:
        count = len(self.should)
        return count if count <= 2 else math.ceil(count * SHARE_OF_WORDS)

    def highlight_terms(self) -> frozenset[str]:
        return frozenset(
            term for clause in self.should + self.must for alt in clause for term in alt
        )


def clean(text: str) -> tuple[str, bool]:
    """Printable text of at most MAX_QUERY_CHARS, and whether it had to be shortened."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    return text[:MAX_QUERY_CHARS], len(text) > MAX_QUERY_CHARS


def parse(raw: str) -> ParsedQuery:
    """Parse a member's query; never raises, whatever the input."""
    text, shortened = clean(raw)
    items: list[list] = []  # [negated, quoted, alternatives, surface words]
    pending_or = False
    folded, boost = _fold(text)
    for match in _TOKEN.finditer(folded):
        word = match.group("word")
        if word == "OR":
            pending_or = bool(items) and not items[-1][0]
            continue
        if word is not None:
            negated, quoted = word.startswith("-"), False
            source = word.lstrip("-")
        else:
            negated, quoted = bool(match.group("negated")), True
            source = match.group("phrase")
        terms = tuple(stems(source))
        if not terms:
            pending_or = False
            continue
        surface = tuple(w.lower() for w in re.findall(r"\w+", source) if stem_word(w))
        if pending_or and not negated:
            items[-1][2].append(terms)
            items[-1][3] += surface
        else:
            items.append([negated, quoted, [terms], surface])
        pending_or = False
    items = _without_question_words(items)
    parsed = _classify(text, items[:MAX_CLAUSES], shortened or len(items) > MAX_CLAUSES)
    return replace(parsed, boost=frozenset(boost))


def _fold(text: str) -> tuple[str, set[str]]:
    """The query with spellings folded, and the terms of the community's words as typed."""
    boost: set[str] = set()

    def fold(match: re.Match) -> str:
        canonical = canonical_word(match)
        if canonical in CONCEPTS:
            boost.update(literal_terms(match.group(), canonical))
        return canonical

    return SPELLING_PATTERN.sub(fold, text), boost


def _without_question_words(items: list[list]) -> list[list]:
    """Items left once question words are dropped, unless nothing else would be left."""

    def asks(item: list) -> bool:
        negated, quoted, alternatives, _surface = item
        return (
            not negated
            and not quoted
            and all(len(alt) == 1 and alt[0] in QUESTION_TERMS for alt in alternatives)
        )

    rest = [item for item in items if not asks(item)]
    return rest if any(not item[0] for item in rest) else items


def _classify(text: str, items: list[list], shortened: bool) -> ParsedQuery:
    should, must, must_not, words = [], [], [], []
    for negated, quoted, alternatives, surface in items:
        clause = tuple(dict.fromkeys(alternatives))
        if negated:
            target = must_not
        elif quoted or len(clause[0]) > 1 and len(clause) == 1:
            target = must
        else:
            target = should
            words += surface
        if clause not in target:
            target.append(clause)
    return ParsedQuery(
        text=text,
        should=tuple(should),
        must=tuple(must),
        must_not=tuple(must_not),
        words=tuple(dict.fromkeys(words)),
        shortened=shortened,
    )

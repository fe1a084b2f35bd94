"""The index schema and the document one published experience becomes.

Text is analysed once, by forum.search.analysis, before whoosh sees it: the text fields are
fed {term: count}, so documents, queries and highlights share one pipeline and whoosh does
not tokenise anything again.
"""

import hashlib
import json
from collections import Counter
from datetime import UTC, datetime

from whoosh import columns, fields
from whoosh.system import pack_uint

from forum.models import Experience
from forum.search.analysis import searchable_text, stems
from forum.search.synonyms import canonicalise, exercise_words

# Structured fields members filter on; each holds one contract key.
KEY_FIELDS = ("onset", "condition", "symptom", "outcome", "intensity", "flare", "age_band")
# Query words are looked up in these fields; the engine weighs them.
TEXT_FIELDS = ("title", "body", "topics")
PAIR_FIELD = "pairs"
# Bumped whenever documents change shape: an index built for another version is rebuilt.
SCHEMA_VERSION = 2


class TermCounts(fields.KEYWORD):
    """A scorable keyword field fed {term: count} of already analysed text."""

    def __init__(self):
        super().__init__(scorable=True)

    def index(self, value, **kwargs):
        for term, count in value.items():
            yield term.encode("utf-8"), count, float(count), pack_uint(count)


def build_schema() -> fields.Schema:
    """One document per published experience; no positions anywhere (phrases use pairs).

    Every indexed field keeps lengths (scorable) even where nothing is scored: whoosh looks
    up a length for each posting it writes and, without a lengths column, asks the file
    system each time. Dates and counts are columns only: they sort, nobody searches them.
    """
    keywords = {name: fields.KEYWORD(scorable=True) for name in ("exercise", "tag", *KEY_FIELDS)}
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        fingerprint=fields.STORED(),
        title=TermCounts(),
        body=TermCounts(),
        # Exercise names and tags as terms, so "qigong sleep" finds a qigong story that
        # never spells the exercise out in its text.
        topics=TermCounts(),
        # Adjacent terms of title and body ("flare-next"): a quoted phrase is the
        # intersection of its pairs, exact for two words and far cheaper than positions.
        pairs=TermCounts(),
        **keywords,
        published=fields.COLUMN(columns.NumericColumn("q")),
        me_too=fields.COLUMN(columns.NumericColumn("i")),
    )


def word_pairs(terms: list[str]) -> list[str]:
    """Adjacent terms joined by "-", the way the pairs field holds them."""
    return [f"{first}-{second}" for first, second in zip(terms, terms[1:], strict=False)]


def document_for(experience: Experience) -> dict:
    """The index document of a published experience; never anything private (no e-mail)."""
    title = stems(canonicalise(experience.title))
    body = stems(searchable_text(experience.body))
    topics = [exercise_words(key) for key in experience.exercises] + experience.tag_names
    document = {
        "id": str(experience.id),
        "title": Counter(title),
        "body": Counter(body),
        "topics": Counter(stems(" ".join(topics))),
        "pairs": Counter(word_pairs(title) + word_pairs(body)),
        "exercise": " ".join(experience.exercises),
        "tag": " ".join(experience.tag_names),
        "published": timestamp(experience.published_at),
        "me_too": experience.me_too_count,
    }
    for name in KEY_FIELDS:
        value = getattr(experience, name)
        if value:
            document[name] = value
    document["fingerprint"] = fingerprint(document)
    return document


def fingerprint(document: dict) -> str:
    """A short digest of what was indexed, so check-index can spot stale documents."""
    payload = json.dumps(
        {key: value for key, value in document.items() if key != "fingerprint"}, sort_keys=True
    )
    return hashlib.blake2b(payload.encode(), digest_size=12).hexdigest()


def timestamp(moment: datetime | None) -> int:
    """Whole seconds since the epoch for a naive UTC datetime (0 when unset)."""
    return int(moment.replace(tzinfo=UTC).timestamp()) if moment else 0

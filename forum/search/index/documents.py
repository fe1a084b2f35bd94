"""The document one published experience becomes (fields: forum.search.engine.schema)."""

import hashlib
import json
from collections import Counter
from datetime import UTC, datetime

from forum.models import Experience
from forum.search.engine.analysis import searchable_text, stems
from forum.search.engine.schema import KEY_FIELDS, word_pairs
from forum.search.engine.synonyms import canonicalise, exercise_words


def document_for(experience: Experience) -> dict:
    """The index document of a published experience; never anything private (no e-mail)."""
    title = stems(canonicalise(experience.title))
    body = stems(searchable_text(searchable_body(experience)))
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


def searchable_body(experience: Experience) -> str:
    """The story's text followed by its published follow-ups' (others are never indexed)."""
    texts = [experience.body]
    texts += [item.body for item in experience.follow_ups if item.is_published and item.body]
    return "\n\n".join(texts)


def fingerprint(document: dict) -> str:
    """A short digest of what was indexed, so check-index can spot stale documents."""
    payload = json.dumps(
        {key: value for key, value in document.items() if key != "fingerprint"}, sort_keys=True
    )
    return hashlib.blake2b(payload.encode(), digest_size=12).hexdigest()


def timestamp(moment: datetime | None) -> int:
    """Whole seconds since the epoch for a naive UTC datetime (0 when unset)."""
    return int(moment.replace(tzinfo=UTC).timestamp()) if moment else 0

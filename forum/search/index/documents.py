"""The document one published experience becomes (fields: forum.search.engine.schema)."""

import hashlib
import json
from collections import Counter
from datetime import UTC, datetime

from forum.models import Experience
from forum.search.engine.analysis import document_terms, stems
from forum.search.engine.schema import KEY_FIELDS, VISIBILITY_FIELD, word_pairs
from forum.search.engine.synonyms import exercise_words
from forum.vocabulary import PROFILE_FIELDS


def document_for(experience: Experience) -> dict:
    """The index document of a published experience; never anything private (no e-mail)."""
    title, title_words = document_terms(experience.title, markdown=False)
    body, body_words = document_terms(searchable_body(experience))
    topics = [exercise_words(key) for key in experience.exercises] + experience.tag_names
    document = {
        "id": str(experience.id),
        # The community's words also as their own words ("accident" of "car accident");
        # pairs keep the folded order, so phrases match across the folding.
        "title": Counter(title + title_words),
        "body": Counter(body + body_words),
        "topics": Counter(stems(" ".join(topics))),
        "pairs": Counter(word_pairs(title) + word_pairs(body)),
        "exercise": " ".join(experience.exercises),
        "tag": " ".join(experience.tag_names),
        "published": timestamp(experience.published_at),
        VISIBILITY_FIELD: experience.visibility,
    }
    for name in KEY_FIELDS:
        if name in PROFILE_FIELDS and not experience.share_profile:
            continue  # kept private: no filter or facet finds or counts it by these
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

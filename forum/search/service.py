"""Search as the app uses it: parse, match in the index, re-check against the database,
highlight, count facets and suggest spellings."""

from collections import Counter
from dataclasses import dataclass, replace
from functools import partial

from flask import current_app
from markupsafe import Markup
from sqlalchemy import select, true
from sqlalchemy.orm import joinedload, selectinload

from forum import permissions
from forum.extensions import db
from forum.models import Experience, Status, User
from forum.pagination import Page
from forum.search.engine.analysis import searchable_text, stems
from forum.search.engine.matching import FACET_FIELDS, Plan
from forum.search.engine.schema import PAIR_FIELD, word_pairs
from forum.search.engine.suggestions import corrections, suggested_query, surface_word
from forum.search.engine.synonyms import canonicalise
from forum.search.highlight import SNIPPET_CHARS, highlight, readable_text
from forum.search.index.runtime import SearchRuntime
from forum.search.query import parse
from forum.search.schemas import FILTERS
from forum.vocabulary import PUBLIC

# Word pairs taken from an experience to look for near-duplicates of it.
SIMILAR_PAIRS = 16


@dataclass(kw_only=True)
class SearchHit:
    """One published experience found, with its title and body snippet highlighted."""

    experience: Experience
    highlights: dict[str, Markup]


@dataclass(kw_only=True)
class SearchPage(Page):
    """One page of results (items are SearchHits), with counts over all of them."""

    query: str
    facets: dict[str, dict[str, int]]
    suggestion: str | None = None
    notice: str | None = None
    building: bool = False


def runtime() -> SearchRuntime:
    """This app's search runtime (see forum.search.init_app)."""
    return current_app.extensions["search"]


def load_published(ids: list[int], public_only: bool = False) -> list[Experience]:
    """The experiences with these ids that are published now (and public, for a visitor),
    in the given order."""
    if not ids:
        return []
    query = (
        select(Experience)
        .where(Experience.id.in_(ids), Experience.status == Status.PUBLISHED)
        .where(Experience.visibility == PUBLIC if public_only else true())
        .options(
            selectinload(Experience.exercise_rows),
            selectinload(Experience.tags),
            joinedload(Experience.author),
        )
    )
    found = {experience.id: experience for experience in db.session.scalars(query)}
    return [found[experience_id] for experience_id in ids if experience_id in found]


def search(args: dict, viewer: User | None = None) -> SearchPage:
    """Run a search; `args` is a loaded SearchQuerySchema. Only published stories, ever, and
    for a visitor who is not signed in (viewer None) only public ones: their matches, totals,
    facets, highlights and suggested words alike."""
    public_only = not permissions.is_signed_in(viewer)
    parsed = parse(args.get("q") or "")
    page, per_page = args.get("page", 1), args.get("per_page", 20)
    plan = Plan(
        must=parsed.must,
        should=parsed.should,
        min_should=parsed.min_should,
        must_not=parsed.must_not,
        filters=tuple((name, args[name]) for name in (*FILTERS, "tag") if args.get(name)),
        newest_first=args.get("sort") == "newest" or parsed.is_empty,
        limit=page * per_page,
        public_only=public_only,
    )
    suggestion = None
    with runtime().reading(db.engine) as searcher:
        if searcher is None:
            notice = "The search index is being built. Please try again in a minute."
            facets = {name: {} for name in FACET_FIELDS}
            return SearchPage(
                query=parsed.text,
                items=[],
                total=0,
                facets=facets,
                page=page,
                per_page=per_page,
                notice=notice,
                building=True,
            )
        matches = runtime().engine.run(searcher, plan)
        if not matches.total and plan.min_should > 1:
            matches = runtime().engine.run(searcher, replace(plan, min_should=1))
        fixes = corrections(searcher, runtime().engine, parsed.words, public_only)
        text_of = partial(_published_text, public_only=public_only)
        words = {word: surface_word(searcher, term, text_of) for word, term in fixes.items()}
        words = {word: surface for word, surface in words.items() if surface}
        if words:
            suggestion = suggested_query(parsed.text, words)
    ids = matches.ids[(page - 1) * per_page :]
    experiences = load_published(ids, public_only)
    terms = parsed.highlight_terms()
    hits = [
        SearchHit(
            experience=experience,
            highlights={
                "title": highlight(experience.title, terms),
                "body": highlight(readable_text(experience.body), terms, SNIPPET_CHARS),
            },
        )
        for experience in experiences
    ]
    # A stale document (unpublished since) is dropped above; do not count it either.
    total = matches.total - (len(ids) - len(experiences))
    facets = {name: _ordered(counts) for name, counts in matches.facets.items()}
    notice = "Only the start of that long query was used." if parsed.shortened else None
    return SearchPage(
        query=parsed.text,
        items=hits,
        total=total,
        facets=facets,
        suggestion=suggestion,
        page=page,
        per_page=per_page,
        notice=notice,
    )


def _ordered(counts: Counter) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _published_text(experience_id: int, public_only: bool = False) -> str:
    """Title and body of a published experience; "" for any other (never a removed text),
    and with `public_only` for a members-only one."""
    experience = db.session.get(Experience, experience_id)
    if experience is None or experience.status != Status.PUBLISHED:
        return ""
    if public_only and experience.visibility != PUBLIC:
        return ""
    return f"{experience.title} {experience.body}"


def similar_experiences(experience_id: int, limit: int = 5, public_only: bool = False) -> list[int]:
    """Ids of published experiences sharing the most of this one's rarer word pairs; with
    `public_only` (for a visitor who is not signed in), public ones only.

    Shared uncommon pairs of adjacent words are what copies and copy-paste spam have in
    common, and pair postings are short, so this stays cheap on a large index.
    """
    experience = db.session.get(Experience, experience_id)
    if experience is None:
        return []
    title, body = stems(canonicalise(experience.title)), stems(searchable_text(experience.body))
    pairs = set(word_pairs(title) + word_pairs(body))
    with runtime().reading(db.engine) as searcher:
        if searcher is None or not pairs:
            return []
        frequency = runtime().engine.live_frequencies(searcher, pairs, PAIR_FIELD, public_only)
        rarest = sorted((pair for pair in pairs if frequency[pair]), key=frequency.get)
        rarest = rarest[:SIMILAR_PAIRS]
        minimum = max(2, len(rarest) // 4)
        ids = runtime().engine.most_shared(
            searcher, PAIR_FIELD, rarest, minimum, limit + 1, public_only
        )
    others = [found for found in ids if found != experience_id]
    return [found.id for found in load_published(others, public_only)][:limit]

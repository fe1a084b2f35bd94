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
# Rarer words taken from it to look for stories of the same main exercise like it.
SIMILAR_WORDS = 8
# Candidates of each kind ranked for similar experiences.
SIMILAR_CANDIDATES = 40


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
        boost=parsed.boost,
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
    """Ids of published experiences like this one: the same main exercise and onset first,
    then the same main exercise, then any other; within each, near-copies first (they
    share the most of this one's rarer word pairs: copies and copy-paste spam), then the
    stories sharing most of its rarer words, then the newest. With `public_only` (for a
    visitor who is not signed in), public ones only.
    """
    experience = db.session.get(Experience, experience_id)
    if experience is None:
        return []
    title, body = stems(canonicalise(experience.title)), stems(searchable_text(experience.body))
    pairs = set(word_pairs(title) + word_pairs(body))
    main = experience.main_exercise
    with runtime().reading(db.engine) as searcher:
        if searcher is None:
            return []
        engine = runtime().engine
        copies = []
        if pairs:
            rarest = engine.rarest(searcher, pairs, SIMILAR_PAIRS, PAIR_FIELD, public_only)
            minimum = max(2, len(rarest) // 4)
            copies = engine.most_shared(
                searcher, PAIR_FIELD, rarest, minimum, limit + 1, public_only
            )
        alike = _sharing_words(searcher, set(title + body), main, public_only)
        alike += _same_main_exercise(searcher, experience, main, public_only)
    candidates = list(dict.fromkeys([*copies, *alike]))
    candidates = [found for found in candidates if found != experience_id]
    if not candidates:
        return []
    order = {found: position for position, found in enumerate(candidates)}
    # Only what ranking needs, from stories published now (never a removed one).
    rows = db.session.execute(
        select(Experience.id, Experience.main_exercise, Experience.onset).where(
            Experience.id.in_(candidates),
            Experience.status == Status.PUBLISHED,
            Experience.visibility == PUBLIC if public_only else true(),
        )
    ).all()

    def rank(row) -> tuple:
        same_onset = experience.onset is None or row.onset == experience.onset
        return (row.main_exercise != main, not same_onset, order[row.id])

    return [row.id for row in sorted(rows, key=rank)][:limit]


def _sharing_words(searcher, terms: set[str], main: str, public_only: bool) -> list[int]:
    """Stories of the same main exercise sharing most of these rarer words, best first."""
    engine = runtime().engine
    # A word only this story holds (frequency 1) brings no other story.
    rarest = engine.rarest(
        searcher, terms, SIMILAR_WORDS, public_only=public_only, held_by_more_than=1
    )
    if not rarest:
        return []
    plan = Plan(
        should=tuple(((term,),) for term in rarest),
        # Two shared rare words say more than one, and keep the matches few.
        min_should=2 if len(rarest) >= 4 else 1,
        filters=(("exercise", main),),
        limit=SIMILAR_CANDIDATES,
        count_facets=False,
        public_only=public_only,
    )
    return engine.run(searcher, plan).ids


def _same_main_exercise(
    searcher, experience: Experience, main: str, public_only: bool
) -> list[int]:
    """The newest stories with this exercise, those of this onset first (from the index)."""
    engine = runtime().engine
    found = []
    filters = [("exercise", main)]
    if experience.onset:
        filters.append(("onset", experience.onset))
        plan = Plan(
            filters=tuple(filters),
            newest_first=True,
            limit=SIMILAR_CANDIDATES,
            count_facets=False,
            public_only=public_only,
        )
        found = engine.run(searcher, plan).ids
        filters.pop()
    plan = Plan(
        filters=tuple(filters),
        newest_first=True,
        limit=SIMILAR_CANDIDATES,
        count_facets=False,
        public_only=public_only,
    )
    return found + engine.run(searcher, plan).ids

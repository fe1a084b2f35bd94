"""Searching through the service: synonyms, stemming, phrases, exclusion, ranking, facets,
filters, order, paging and suggestions, always on published stories only."""

import pytest

from forum import search
from forum.extensions import db
from forum.models import Tag
from tests.factories import ExperienceFactory, UserFactory


def find(q: str = "", **args) -> list[int]:
    return [hit.experience.id for hit in search.search({"q": q, **args}).items]


@pytest.fixture
def stories(ctx):
    author = UserFactory()

    def make(**fields):
        return ExperienceFactory(author=author, **fields)

    return {
        "taichi": make(
            title="Tai chi after my car accident",
            body="Slow t'ai chi forms every morning. Walking made me flare the next day.",
            exercises=("tai_chi", "walking"),
            onset="injury",
            outcome="helped",
            condition="fibromyalgia",
            symptom="pain",
            intensity="gentle",
            flare="next_day",
            age_band="40s",
        ),
        "qigong": make(
            title="Qigong calmed my sleep",
            body="Chi kung before bed: I slept through the night for the first time in years.",
            exercises=("qigong",),
            onset="illness",
            outcome="helped_a_lot",
            symptom="sleep",
        ),
        "aqua": make(
            title="Water aerobics was too much",
            body="The pool class crashed me for a week; fatigue was worse.",
            exercises=("aquatic_therapy",),
            onset="stress",
            outcome="worse",
            intensity="vigorous",
        ),
        "weights": make(
            title="Light weights, slowly",
            body="Resistance bands at home, pacing carefully; flares were rare.",
            exercises=("strength",),
            onset="gradual",
            outcome="helped",
        ),
        "hidden": make(
            title="Tai chi spam", body="Buy tai chi videos now", status="hidden", published_at=None
        ),
    }


@pytest.mark.parametrize("query", ["tai chi", "taiji", "t'ai chi", "tai-chi", "TAICHI"])
def test_every_spelling_finds_the_tai_chi_story(stories, query):
    assert find(query) == [stories["taichi"].id]


@pytest.mark.parametrize(
    ("query", "story"),
    [
        ("qi gong", "qigong"),
        ("chi kung", "qigong"),
        ("aqua", "aqua"),
        ("aquatic therapy", "aqua"),
        ("resistance training", "weights"),
        ("strength", "weights"),
    ],
)
def test_exercise_synonyms(stories, query, story):
    assert find(query) == [stories[story].id]


def test_stemming_finds_other_forms(stories):
    assert set(find("flares")) == {stories["taichi"].id, stories["weights"].id}
    assert find("walked") == [stories["taichi"].id]
    assert find("sleeping") == [stories["qigong"].id]


def test_phrases_need_the_words_together(stories):
    assert find('"next day"') == [stories["taichi"].id]
    assert find('"day next"') == []


def test_minus_excludes(stories):
    assert find("flare -walking") == [stories["weights"].id]


def test_or_finds_either(stories):
    assert set(find("qigong OR pool")) == {stories["qigong"].id, stories["aqua"].id}


def test_a_question_ranks_the_relevant_story_first(stories):
    ids = find("how do I start exercising after a car accident without flaring")
    assert ids[0] == stories["taichi"].id


def test_a_missing_word_does_not_empty_the_results(stories):
    assert find("qigong sleep insomnia") == [stories["qigong"].id]


def test_title_matches_rank_above_body_matches(ctx):
    body_only = ExperienceFactory(title="Evening routine", body="Some pilates most days.")
    in_title = ExperienceFactory(title="Pilates", body="Evening routine most days.")
    assert find("pilates") == [in_title.id, body_only.id]


def test_field_syntax_cannot_reach_hidden_documents(stories):
    for query in ("status:hidden", "status:hidden spam", "title:spam", "spam"):
        assert stories["hidden"].id not in find(query)


@pytest.mark.parametrize(
    ("name", "value", "story"),
    [
        ("exercise", "walking", "taichi"),
        ("onset", "illness", "qigong"),
        ("condition", "fibromyalgia", "taichi"),
        ("symptom", "sleep", "qigong"),
        ("outcome", "worse", "aqua"),
        ("intensity", "vigorous", "aqua"),
        ("flare", "next_day", "taichi"),
        ("age_band", "40s", "taichi"),
    ],
)
def test_filters_by_every_contract_field(stories, name, value, story):
    assert find(**{name: value}) == [stories[story].id]


def test_tag_filter(ctx):
    tagged = ExperienceFactory(title="Mornings matter")
    tagged.tags = [Tag(name="mornings")]
    db.session.commit()
    ExperienceFactory(title="Evenings")
    assert find(tag="mornings") == [tagged.id]


def test_facets_count_the_whole_result_set_not_the_page(ctx):
    for number in range(7):
        ExperienceFactory(
            title=f"Walking diary {number}",
            exercises=("walking", "yoga") if number % 2 else ("walking",),
            onset="injury" if number < 3 else "sedentary",
            outcome="helped",
        )
    page = search.search({"q": "walking diary", "per_page": 2})
    assert page.total == 7 and len(page.items) == 2
    assert page.facets["exercise"] == {"walking": 7, "yoga": 3}
    assert page.facets["onset"] == {"sedentary": 4, "injury": 3}
    assert page.facets["outcome"] == {"helped": 7}


def test_pages_and_newest_first(ctx):
    from datetime import timedelta

    from forum.clock import utcnow

    made = [
        ExperienceFactory(title=f"Swim log {n}", published_at=utcnow() - timedelta(days=n))
        for n in range(5)
    ]
    newest = [experience.id for experience in made]
    assert find("swim", sort="newest", per_page=2) == newest[:2]
    assert find("swim", sort="newest", per_page=2, page=3) == newest[4:]
    assert find("swim", sort="newest", per_page=2, page=4) == []
    assert find("", per_page=5) == newest


def test_suggestion_for_misspelt_words(stories):
    page = search.search({"q": "qigon"})
    assert page.total == 0 and page.suggestion == "qigong"
    assert search.search({"q": "sleep gardenning"}).suggestion is None  # no story says it
    # ...unless the community's fixed vocabulary (synonyms.DOMAIN_WORDS) has the word.
    assert search.search({"q": "sleep fibromyalga"}).suggestion == "sleep fibromyalgia"
    assert search.search({"q": "slep"}).suggestion in ("sleep", "slept")
    assert search.search({"q": "qigong"}).suggestion is None


def test_suggestions_use_words_members_write(stories):
    # The index holds the stem "crash"; the suggestion shows a word from a story.
    assert search.search({"q": "pool crahsed"}).suggestion == "pool crashed"


def test_highlights_come_with_each_hit(stories):
    hit = search.search({"q": "taiji flare"}).items[0]
    assert hit.highlights["title"] == "<mark>Tai chi</mark> after my car accident"
    assert "<mark>t&#39;ai chi</mark>" in hit.highlights["body"]
    assert "<mark>flare</mark>" in hit.highlights["body"]


def test_hostile_queries_give_results_or_nothing(stories):
    from tests.unit.test_search_query import HOSTILE

    for query in HOSTILE:
        page = search.search({"q": query})
        assert page.total >= 0
    assert search.search({"q": "x" * 5000}).notice


def test_facets_stay_right_when_most_documents_match_and_some_were_deleted(ctx):
    made = [
        ExperienceFactory(title="Walking", onset="injury" if n % 2 else "illness") for n in range(6)
    ]
    ExperienceFactory(title="Yoga", onset="stress", exercises=("yoga",))
    search.search({})
    made[1].status = "hidden"
    search.note_changed(made[1].id)
    db.session.commit()
    search.apply_pending()
    page = search.search({"q": "walking"})
    assert page.total == 5
    assert page.facets["onset"] == {"illness": 3, "injury": 2}
    assert page.facets["exercise"] == {"walking": 5}

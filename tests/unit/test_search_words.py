"""The community's words (issue 19): synonym groups at index and query time, acronyms
matched in their case, phrases across the folding, and spelling suggestions that know the
domain vocabulary without ever drawing on words that are not published now."""

import pytest

from forum import search
from forum.search.engine.analysis import searchable_text, stems
from forum.search.engine.synonyms import (
    DOMAIN_WORDS,
    SPELLING_PATTERN,
    SPELLINGS,
    canonical_word,
    canonicalise,
    spelling_pattern_for,
)
from forum.workflow import Status
from tests.factories import ExperienceFactory


def find(q: str) -> list[int]:
    return [hit.experience.id for hit in search.search({"q": q}).items]


def suggestion(q: str) -> str | None:
    return search.search({"q": q}).suggestion


GROUPS = {
    "mecfs": [
        "ME",
        "CFS",
        "ME/CFS",
        "me/cfs",
        "CFS/ME",
        "M.E.",
        "chronic fatigue",
        "chronic fatigue syndrome",
        "myalgic encephalomyelitis",
    ],
    "fibromyalgia": ["fibromyalgia", "Fibro", "FM", "FMS", "fibromyalgia syndrome"],
    "postexertionalmalaise": [
        "PEM",
        "pem",
        "post-exertional malaise",
        "post exertional malaise",
        "crash",
        "crashed",
        "crashing",
        "payback",
    ],
    "gradedexercisetherapy": ["GET", "graded exercise", "graded exercise therapy"],
    "pacing": ["pacing", "pacing myself", "energy envelope"],
    "flare": ["flare", "flares", "flare-up", "flare up", "flare-ups", "bad day", "bad days"],
    "carcollision": [
        "car accident",
        "car collision",
        "car crash",
        "road traffic accident",
        "RTA",
        "rear-ended",
        "motor vehicle accident",
    ],
    "brainfog": ["brain fog", "fibro fog", "brainfog"],
}


@pytest.mark.parametrize(
    ("canonical", "spelling"),
    [(canonical, spelling) for canonical, spellings in GROUPS.items() for spelling in spellings],
)
def test_every_spelling_of_a_group_becomes_one_term(canonical, spelling):
    assert stems(searchable_text(f"{spelling} today")) == [canonical, "today"]


@pytest.mark.parametrize(
    "text",
    [
        "get going",
        "tell me more",
        "I get tired",
        "fm radio",
        "Me too",
        "a bike crash",
        "a crash course",
        "the pace of walking",
        "racing",
        "a bad knee",
    ],
)
def test_lowercase_words_and_lookalikes_are_left_alone(text):
    assert canonicalise(text) == text


def test_car_crash_is_a_collision_and_a_crash_alone_is_pem():
    assert (
        canonicalise("a car crash, then I crashed")
        == "a carcollision, then I postexertionalmalaise"
    )


@pytest.fixture
def community(ctx):
    def make(title, body, exercises=("walking",), **fields):
        return ExperienceFactory(title=title, body=body, exercises=exercises, **fields)

    return {
        "get": make("GET made me worse", "The clinic's graded plan: more each week. I relapsed."),
        "get_word": make("Get outside", "I get up, get dressed and get out for a walk."),
        "me": make(
            "Living with ME", "Severe ME: five minutes of stretching in bed.", ("stretching",)
        ),
        "me_word": make("Time for me", "Dancing is time for me.", ("dance",)),
        "car": make("Walking after a car collision", "Since the collision, short walks."),
        "car2": make("Yoga after a road traffic accident", "Chair yoga after the RTA.", ("yoga",)),
        "cycling": make(
            "Cycling accident",
            "A cycling accident broke my wrist; an accident "
            "like that changes you. Accident recovery on the bike.",
            ("cycling",),
        ),
        "pem": make(
            "PEM after swimming", "Twenty lengths and the PEM hit two days later.", ("swimming",)
        ),
        "crash": make(
            "The pool crashed me", "Ten minutes of swimming and I crashed for days.", ("swimming",)
        ),
        "bike": make("Bike crash", "A bike crash last spring, then pain.", ("cycling",)),
        "fibro": make(
            "Fibro and water aerobics",
            "Fibro for ten years; the warm pool helps.",
            ("aquatic_therapy",),
        ),
        "typo": make("My fibromialgia", "Fibromialgia, as my doctor spells it.", ("stretching",)),
        "qigong": make("Qigong before bed", "Qigong in the evening, better sleep.", ("qigong",)),
    }


def test_get_is_graded_exercise_therapy_and_get_is_not_a_query(community):
    assert find("GET") == [community["get"].id]
    assert find("graded exercise therapy") == [community["get"].id]
    assert community["get_word"].id not in find("GET")
    hit = search.search({"q": "GET"}).items[0]
    assert hit.highlights["title"] == "<mark>GET</mark> made me worse"


def test_me_is_the_illness_only_in_capitals(community):
    assert find("ME") == [community["me"].id]
    assert find("myalgic encephalomyelitis") == [community["me"].id]
    assert find("ME/CFS stretching") == [community["me"].id]


def test_car_accident_ranks_car_collisions_above_cycling_accidents(community):
    found = find("car accident")
    assert set(found[:2]) == {community["car"].id, community["car2"].id}
    assert community["cycling"].id not in found
    # "accident" alone still finds every accident, the car ones included.
    assert {community["cycling"].id, community["car2"].id} <= set(find("accident"))


def test_phrases_match_across_the_folding(community):
    assert set(find('"car accident"')) == {community["car"].id, community["car2"].id}
    assert set(find('"post exertional malaise"')) == {community["pem"].id, community["crash"].id}
    assert community["pem"].id in find('"PEM after swimming"')  # "after" is no index word
    assert find('"PEM lengths"') == []  # the order of a phrase counts
    assert community["pem"].id in find('"PEM hit"')


def test_crash_is_pem_but_a_bike_crash_is_not(community):
    assert set(find("crash")) == {community["pem"].id, community["crash"].id}
    assert community["bike"].id in find("bike crash")


def test_fibro_fm_and_fibromyalgia_find_each_other(community):
    for query in ("fibromyalgia", "FM", "fibro", "FMS"):
        assert find(query) == [community["fibro"].id], query


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("fibromialgia", "fibromyalgia"),  # some stories hold the misspelling
        ("fibromyalga", "fibromyalgia"),  # one letter away, no story holds it
        ("qigon", "qigong"),
        ("exertionl malaise", "exertional malaise"),
        ("myalgic encephalomyelits", "myalgic encephalomyelitis"),
    ],
)
def test_suggestions_know_the_domain_vocabulary(community, query, expected):
    assert suggestion(query) == expected


@pytest.mark.parametrize(
    "query", ["PEM", "post exertional malaise", "GET", "ME", "pacing", "fibro", "malaise"]
)
def test_the_community_words_get_no_correction(community, query):
    assert suggestion(query) is None


def test_a_published_word_near_a_short_domain_word_is_not_corrected(community):
    ExperienceFactory(title="Racing again", body="Racing my bike.", exercises=("cycling",))
    assert suggestion("racing") is None  # "pacing" is one edit away, but racing is a word


def test_short_words_get_one_edit_at_most(community):
    # "pme" is one edit from nothing anyone wrote; "pay"-like words are two away.
    assert suggestion("pme") is None


def test_suggestions_never_come_from_unpublished_words(community):
    secret = ExperienceFactory(title="Zumbathon", body="Zumbathon nights.", exercises=("dance",))
    assert suggestion("zumbathin") == "zumbathon"
    secret.status = Status.HIDDEN
    secret.published_at = None
    search.note_changed(secret.id)
    from forum.extensions import db

    db.session.commit()
    search.apply_pending()
    assert suggestion("zumbathin") is None


def test_the_domain_vocabulary_is_a_fixed_list_of_plain_words():
    assert all(word.isalpha() and word.islower() for word in DOMAIN_WORDS)
    assert {"fibromyalgia", "myalgic", "encephalomyelitis", "exertional", "qigong"} <= DOMAIN_WORDS


SAMPLE = " ".join(spelling for spellings in GROUPS.values() for spelling in spellings) + (
    " a car crash, a bike crash, fibro fog, tai chi, water aerobics, weights and crashing"
)


@pytest.mark.parametrize("canonical", sorted(SPELLINGS))
def test_the_highlight_pattern_finds_what_the_full_one_finds(canonical):
    def found(pattern):
        return [m.span() for m in pattern.finditer(SAMPLE) if canonical_word(m) == canonical]

    assert found(spelling_pattern_for(frozenset({canonical}))) == found(SPELLING_PATTERN)


def test_the_api_speaks_the_same_language(client, community):
    answer = client.get("/api/v1/search", query_string={"q": "PEM"}).get_json()
    assert {item["experience"]["id"] for item in answer["items"]} == {
        community["pem"].id,
        community["crash"].id,
    }
    assert answer["suggestion"] is None
    answer = client.get("/api/v1/search", query_string={"q": "fibromialgia"}).get_json()
    assert answer["suggestion"] == "fibromyalgia"
    assert [item["experience"]["id"] for item in answer["items"]] == [community["typo"].id]


def test_a_published_slip_is_corrected_when_the_domain_word_is_far_commoner(ctx):
    for number in range(10):
        ExperienceFactory(title=f"Qigong {number}", body="Qigong mornings.", exercises=("qigong",))
    ExperienceFactory(title="My qigon", body="Qigon, as I type it.", exercises=("qigong",))
    for number in range(3):
        ExperienceFactory(title=f"Pacing {number}", body="Pacing, always.")
    ExperienceFactory(title="Racing", body="Racing my bike.", exercises=("cycling",))
    assert suggestion("qigon") == "qigong"  # 10 stories against 1
    assert suggestion("racing") is None  # 3 against 1: racing is a word of its own

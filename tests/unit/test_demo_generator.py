"""The demo generator: deterministic, inside the vocabulary, varied, with the invented patterns."""

import re
from collections import Counter

import pytest

from forum import vocabulary
from forum.demo import patterns
from forum.demo.generator import generate, member_count, members
from forum.demo.sentences import template_count

TAG_PATTERN = re.compile(r"[a-z0-9-]{2,30}")
USERNAME_PATTERN = re.compile(r"[A-Za-z0-9_-]{3,30}")


@pytest.fixture(scope="module")
def community():
    return list(generate(6000, seed=11))


def test_the_same_seed_gives_the_same_community():
    assert list(generate(80, seed=3)) == list(generate(80, seed=3))
    first = members(80, 3)
    members.cache_clear()
    assert members(80, 3) == first


def test_another_seed_gives_another_community():
    first = [item.title for item in generate(80, seed=3)]
    second = [item.title for item in generate(80, seed=4)]
    assert first != second


def test_a_slice_is_the_same_as_that_part_of_the_whole():
    whole = list(generate(80, seed=5))
    assert list(generate(80, seed=5, start=30, stop=45)) == whole[30:45]


def test_experiences_stay_inside_the_contract(community):
    authors = members(6000, 11)
    for item in community:
        assert 5 <= len(item.title) <= 150
        assert 20 <= len(item.body) <= 20000
        assert 1 <= len(item.exercises) <= 5
        assert len(set(item.exercises)) == len(item.exercises)
        assert set(item.exercises) <= set(vocabulary.EXERCISE)
        assert item.intensity in vocabulary.INTENSITY
        assert item.outcome in vocabulary.OUTCOME
        assert item.flare in vocabulary.FLARE
        assert set(item.effects) <= set(vocabulary.EFFECT_AREAS)
        assert set(item.effects.values()) <= set(vocabulary.EFFECT)
        assert len(item.tags) <= 10
        assert all(TAG_PATTERN.fullmatch(tag) for tag in item.tags)
        assert item.minutes_per_session is None or 1 <= item.minutes_per_session <= 600
        assert item.sessions_per_week is None or 1 <= item.sessions_per_week <= 21
        assert item.weeks_tried is None or 1 <= item.weeks_tried <= 520
        author = authors[item.author]
        assert (item.onset, item.condition, item.age_band) == (
            author.onset,
            author.condition,
            author.age_band,
        )
        assert item.author not in item.me_too
        assert len(set(item.me_too)) == len(item.me_too)
        assert item.author not in {flag.flagger for flag in item.flags}


def test_members_have_unique_valid_usernames_and_spread_profiles():
    people = members(120_000, 1)
    assert len(people) == member_count(120_000)
    assert len({person.username.lower() for person in people}) == len(people)
    assert all(USERNAME_PATTERN.fullmatch(person.username) for person in people)
    for field in ("onset", "condition", "symptom"):
        assert {getattr(person, field) for person in people} == set(vocabulary.TAXONOMY[field])
    assert {person.age_band for person in people} - {None} == set(vocabulary.AGE_BAND)


def test_texts_vary_and_use_real_words_and_misspellings(community):
    assert template_count() >= 300
    bodies = " ".join(item.body for item in community)
    for word in ("taiji", "chi kung", "water aerobics", "weights", "fibromyalga", "qigon "):
        assert word in bodies
    assert len({item.title for item in community}) > 0.8 * len(community)
    assert len({item.body for item in community}) == len(community)


def test_the_moderation_queue_gets_pending_and_flagged_items(community):
    statuses = Counter(item.status for item in community)
    assert set(statuses) == {"published", "pending"}
    assert 0 < statuses["pending"] < 0.05 * len(community)
    flagged = [item for item in community if item.flags]
    assert flagged and all(item.status == "published" for item in flagged)
    assert all(
        not item.replies and not item.me_too for item in community if item.status == "pending"
    )


def _helped_share(items, onset: str, exercise_class: str) -> float:
    group = [
        item
        for item in items
        if item.onset == onset and patterns.exercise_class(item.exercises[0]) == exercise_class
    ]
    assert len(group) > 50
    return sum(vocabulary.OUTCOME_SCORE[item.outcome] > 0 for item in group) / len(group)


def test_invented_pattern_gentle_helps_injury_onset_more_than_vigorous(community):
    gentle = _helped_share(community, "injury", "gentle")
    vigorous = _helped_share(community, "injury", "vigorous")
    assert gentle > vigorous + 0.3


def test_invented_pattern_reverses_for_sedentary_onset(community):
    gentle = _helped_share(community, "sedentary", "gentle")
    vigorous = _helped_share(community, "sedentary", "vigorous")
    assert vigorous > gentle + 0.15


def test_vigorous_exercise_flares_injury_onset_more(community):
    def flare_share(exercise_class):
        group = [
            item
            for item in community
            if item.onset == "injury"
            and patterns.exercise_class(item.exercises[0]) == exercise_class
        ]
        return sum(item.flare != "none" for item in group) / len(group)

    assert flare_share("vigorous") > flare_share("gentle") + 0.2


def test_as_dict_has_the_contract_shape():
    item = next(generate(10, seed=2))
    data = item.as_dict()
    assert data["author"] == {"username": item.author_username}
    assert data["me_too_count"] == len(item.me_too)
    assert data["reply_count"] == len(item.replies)
    assert isinstance(data["exercises"], list) and isinstance(data["tags"], list)
    assert data["created_at"] <= item.created_at()

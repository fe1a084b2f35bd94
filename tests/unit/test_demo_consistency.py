"""A generated demo community reads as one: each member keeps one onset story, severity and
condition; tags, titles and stories agree with the exercise and intensity chosen."""

import re
from collections import Counter, defaultdict

import pytest

from forum import vocabulary
from forum.demo import patterns
from forum.demo.generator import SOFT_WORDS, generate, members
from forum.demo.words import EXERCISE_PLACES, ONSET_EVENTS, PLACES, PROFILE_TAGS

COUNT, SEED = 6000, 17
RUNNING_WORDS = re.compile(
    r"\b(running|jogging|parkrun|couch to 5k|hiit|interval training|high-intensity)\b", re.I
)
EVENTS = {event for events in ONSET_EVENTS.values() for event in events}


@pytest.fixture(scope="module")
def community():
    return list(generate(COUNT, seed=SEED))


@pytest.fixture(scope="module")
def authors():
    return members(COUNT, SEED)


def test_every_member_keeps_one_onset_story_severity_and_condition(community, authors):
    seen = defaultdict(set)
    for item in community:
        profile = (item.onset, item.onset_detail, item.severity, item.years_ill, item.condition)
        seen[item.author].add(profile)
        author = authors[item.author]
        told = {event for event in EVENTS if event in item.title or event in item.body}
        assert told <= {author.event}, (item.index, told, author.event)
    assert all(len(profiles) == 1 for profiles in seen.values())


def test_details_stay_inside_their_family(community, authors):
    for person in authors:
        assert person.onset_detail is None or (
            vocabulary.ONSET_FAMILY[person.onset_detail] == person.onset
        )
        assert person.severity in (None, *vocabulary.SEVERITY)
        assert person.years_ill in (None, *vocabulary.YEARS_ILL)
    assert all(
        item.onset_detail is None or vocabulary.ONSET_FAMILY[item.onset_detail] == item.onset
        for item in community
    )


def test_the_seeds_two_archetypes_are_the_commonest_details(authors):
    details = Counter(person.onset_detail for person in authors if person.onset_detail)
    assert {key for key, _ in details.most_common(2)} == {"desk_job", "car_collision"}
    assert set(details) == set(vocabulary.ONSET_DETAIL)
    for field in ("severity", "years_ill"):
        assert {getattr(person, field) for person in authors} - {None} == set(
            getattr(vocabulary, field.upper())
        )


def test_no_tag_contradicts_the_story(community, authors):
    profile_tags = set(PROFILE_TAGS.values())
    place_tags = {tag for tag in PLACES.values() if tag}
    for item in community:
        author = authors[item.author]
        own = {PROFILE_TAGS.get(author.onset_detail), PROFILE_TAGS.get(author.onset)}
        places = {PLACES[place] for place in EXERCISE_PLACES[item.exercises[0]]}
        for tag in item.tags:
            assert tag not in profile_tags or tag in own, (item.index, tag, author.onset_detail)
            assert tag not in place_tags or tag in places, (item.index, tag, item.exercises)
            assert tag != "over-60" or author.age_band == "60_plus"
            # No tag names an exercise the story is not about ("yoga" tagged HIIT).
            exercise = tag.replace("-", "_")
            assert exercise not in vocabulary.EXERCISE or exercise in item.exercises


def test_exercises_and_words_agree_with_the_intensity(community):
    for item in community:
        assert all(patterns.fits(key, item.intensity) for key in item.exercises), item.index
        text = f"{item.title}\n{item.body}"
        if item.intensity == "gentle":
            assert not RUNNING_WORDS.search(text), (item.index, item.title)
        else:
            soft = "|".join(SOFT_WORDS)
            named = re.findall(rf"\b(?:{soft}) (?:yoga|stretches)\b", text, re.I)
            assert not named, (item.index, named)


def test_single_exercise_stories_claim_no_combination(community):
    for item in community:
        if len(item.exercises) == 1:
            assert " on the in-between days" not in item.body
            assert "I combined " not in item.body


def _hard_share(items, severity: str, judge) -> float:
    group = [
        item
        for item in items
        if item.severity == severity
        and item.condition in ("me_cfs", "both")
        and (
            item.intensity == "vigorous" or patterns.exercise_class(item.exercises[0]) == "vigorous"
        )
    ]
    assert len(group) > 20
    return sum(judge(item) for item in group) / len(group)


def test_invented_pattern_hard_exercise_goes_badly_for_severe_me_cfs(community):
    def worse(item):
        return vocabulary.OUTCOME_SCORE[item.outcome] < 0

    assert _hard_share(community, "severe", worse) > _hard_share(community, "mild", worse) + 0.2

"""The attacker test: no combination of insights answers pins a suppressed count.

Every group of the filter lattice is asked for through the public API (with the intensity
breakdown, and the comparison view for some pairs); tests/insights_attacker.py then derives
everything it can and must find no hidden cell pinned to one value. The same attacker run over
answers made by threshold-only suppression (the behaviour before) finds the issue's attacks,
which shows it has teeth.
"""

from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from forum.demo import loader
from forum.extensions import db
from forum.insights.queries import PROFILE_COLUMNS
from forum.insights.vectors import UNSTATED
from forum.models import Experience, FollowUp, QuickAnswer, Status
from forum.vocabulary import EXERCISE, INTENSITY
from tests.factories import ExperienceFactory, UserFactory
from tests.insights_attacker import ALL, DIMENSIONS, Attack, as_filters, group_of, lattice, truth

MINIMUM = 5


def _answers() -> list[tuple]:
    """Every counted answer as (person, exercise, profile, published, story, intensity):
    stories, their published follow-ups (the story's profile and intensity) and quick answers
    (their own copied profile, no intensity), read independently of forum.insights."""
    story_columns = (
        Experience.id,
        Experience.main_exercise,
        *PROFILE_COLUMNS,
        Experience.intensity,
    )
    stories = db.session.execute(
        select(Experience.author_id, Experience.published_at, *story_columns).where(
            Experience.status == Status.PUBLISHED
        )
    )
    follow_ups = db.session.execute(
        select(Experience.author_id, FollowUp.published_at, *story_columns)
        .join(FollowUp, FollowUp.experience_id == Experience.id)
        .where(Experience.status == Status.PUBLISHED, FollowUp.status == Status.PUBLISHED)
    )
    found = [
        (author or -story, exercise, tuple(profile), published, story, intensity)
        for author, published, story, exercise, *profile, intensity in [*stories, *follow_ups]
    ]
    quick = db.session.execute(
        select(
            QuickAnswer.user_id,
            QuickAnswer.exercise,
            *(getattr(QuickAnswer, name) for name in DIMENSIONS),
            QuickAnswer.updated_at,
        )
    )
    found += [
        (person, exercise, tuple(profile), updated, 0, UNSTATED)
        for person, exercise, *profile, updated in quick
    ]
    return found


def _ask_everything(client) -> dict:
    responses = {}
    for group in lattice():
        query = urlencode({**as_filters(group), "detail": "intensity"})
        response = client.get(f"/api/v1/insights?{query}")
        assert response.status_code == 200
        responses[group] = response.get_json()
    return responses


def _attack(client) -> Attack:
    responses = _ask_everything(client)
    return Attack(responses, truth(_answers()), MINIMUM)


def _assert_nothing_disclosed(attack: Attack, true: dict) -> None:
    assert attack.breaches == []
    # Shown numbers are exact, and every shown cell has at least min_reports people.
    for cell, value in attack.shown.items():
        assert value == true.get(cell, 0), cell
        assert value >= MINIMUM, cell
    assert attack.disclosed() == []


@pytest.fixture
def seeded_demo(ctx):
    loader.load(1500, seed=16, workers=1)


def test_a_seeded_demo_community_gives_no_suppressed_count_away(client, seeded_demo):
    attack = _attack(client)
    true = attack.true

    _assert_nothing_disclosed(attack, true)
    # The check is not empty: numbers are shown and small cells with people are hidden.
    assert len(attack.shown) > 50
    assert any(0 < true[cell] < MINIMUM for cell in attack.hidden_cells() if cell in true)


def test_compare_shows_the_same_cells_as_each_group(client, seeded_demo):
    pairs = [("onset:injury", "onset:sedentary"), ("everyone", "onset:stress,symptom:sleep")]
    for a, b in pairs:
        body = client.get(f"/api/v1/insights/compare?a={a}&b={b}&detail=intensity").get_json()
        for side, spec in (("a", a), ("b", b)):
            filters = {} if spec == "everyone" else dict(p.split(":") for p in spec.split(","))
            alone = client.get(
                f"/api/v1/insights?{urlencode({**filters, 'detail': 'intensity'})}"
            ).get_json()
            assert body[side]["group_size"] == alone["group_size"]
            assert body[side]["exercises"] == alone["exercises"]
            assert body[side]["suppressed"] == alone["suppressed"]


def _story(person, exercise="qigong", intensity="gentle", **profile):
    defaults = {"onset": "stress", "condition": "suspected", "symptom": "pain", "age_band": "40s"}
    ExperienceFactory(
        author=person, exercises=(exercise,), intensity=intensity, **{**defaults, **profile}
    )


@pytest.fixture
def issue_community(ctx):
    """The issue's example: onset=stress & condition=suspected with symptom siblings pain 7,
    fatigue 11, mixed 18 and a suppressed sleep group of 4 (2 of them doing qigong), and one
    group of exactly one person; nobody at all does HIIT."""
    for symptom, size in (("pain", 7), ("fatigue", 11), ("mixed", 18), ("sleep", 4)):
        for number in range(size):
            exercise = "qigong" if number < (2 if symptom == "sleep" else 6) else "walking"
            _story(UserFactory(), exercise, symptom=symptom)
    _story(UserFactory(), "yoga", "vigorous", onset="injury", condition="me_cfs")


def test_the_issues_differencing_attack_finds_nothing(client, issue_community):
    attack = _attack(client)
    _assert_nothing_disclosed(attack, attack.true)
    sleep = group_of({"onset": "stress", "condition": "suspected", "symptom": "sleep"})
    assert ("size", sleep) not in attack.shown
    assert ("row", sleep, "qigong") not in attack.shown


def test_zero_people_looks_like_a_few(client, issue_community):
    body = client.get("/api/v1/insights?onset=stress&detail=intensity").get_json()

    assert "hiit" in body["suppressed"]  # nobody: listed like 1 to 4
    assert sorted(body["suppressed"] + [r["exercise"] for r in body["exercises"]]) == sorted(
        EXERCISE
    )
    for row in body["exercises"]:
        listed = row["intensities_suppressed"] + [c["intensity"] for c in row["intensities"]]
        assert sorted(listed) == sorted(INTENSITY)


def test_a_group_of_one_person_shows_nothing_and_cannot_be_derived(client, issue_community):
    body = client.get("/api/v1/insights?onset=injury").get_json()

    assert body["group_size"] is None
    assert body["exercises"] == []
    assert sorted(body["suppressed"]) == sorted(EXERCISE)
    everyone = client.get("/api/v1/insights").get_json()
    yoga = [row for row in everyone["exercises"] if row["exercise"] == "yoga"]
    assert yoga == []  # 1 person in everyone: suppressed too


def _naive(attack_true: dict, minimum: int) -> dict:
    """The answers threshold-only suppression gave (the behaviour the issue attacked): each
    cell hidden when under minimum, nothing more, and intensities with 0 people left out."""
    responses = {}
    everyone = (ALL,) * len(DIMENSIONS)
    for group in lattice():
        size = attack_true.get(("size", group), 0)
        rows, suppressed = [], []
        for exercise in EXERCISE:
            people = attack_true.get(("row", group, exercise), 0)
            if size < minimum or people < minimum:
                suppressed.append(exercise)
                continue
            cells = {i: attack_true.get(("int", group, exercise, i), 0) for i in INTENSITY}
            outside = attack_true.get(("row", everyone, exercise), 0) - people
            rows.append(
                {
                    "exercise": exercise,
                    "people": people,
                    "intensities": [
                        {"intensity": i, "people": n} for i, n in cells.items() if n >= minimum
                    ],
                    "intensities_suppressed": [i for i, n in cells.items() if 0 < n < minimum],
                    "baseline": {"people": outside if outside >= minimum else None},
                }
            )
        responses[group] = {
            "group_size": size if size >= minimum else None,
            "exercises": rows,
            "suppressed": suppressed if size >= minimum else list(EXERCISE),
        }
    return responses


def test_the_attacker_catches_threshold_only_suppression(ctx, issue_community):
    true = truth(_answers())
    attack = Attack(_naive(true, MINIMUM), true, MINIMUM)

    # (a) 0 people told apart from 1..k-1: an intensity with nobody is in neither list.
    assert any("intensities + suppressed" in breach for breach in attack.breaches)
    disclosed = attack.disclosed()
    # (b) differencing: the sleep group's size and its qigong row come back exactly.
    sleep = group_of({"onset": "stress", "condition": "suspected", "symptom": "sleep"})
    assert ("size", sleep) in disclosed
    assert ("row", sleep, "qigong") in disclosed
    # and the non-negativity trap: a hidden remainder of 0 pins every cell in it.
    assert any(true.get(cell, 0) == 0 for cell in disclosed)

"""Insights numbers: counting rules, suppression, ranking, baseline, intensity and compare."""

from contextlib import contextmanager

import pytest

from forum.insights import service
from forum.vocabulary import EXERCISE, INTENSITY
from tests.conftest import serving
from tests.factories import ExperienceFactory, UserFactory

# The counting, with threshold-only suppression (the protection: test_insights_attacker.py).
pytestmark = pytest.mark.usefixtures("counting_only")


def post(count: int, **fields) -> None:
    """`count` experiences by `count` members with the same fields (published unless told)."""
    for _ in range(count):
        ExperienceFactory(author=UserFactory(), **fields)


def others(*shown: str) -> list[str]:
    """Every exercise key but these, in vocabulary order: what `suppressed` lists."""
    return [key for key in EXERCISE if key not in shown]


@contextmanager
def configured(tmp_path, **settings):
    """An app context with other settings."""
    with serving(tmp_path, **settings) as app, app.app_context():
        yield


CONTRACT_ROW = (
    "exercise", "people", "reports", "outcomes", "helped_share", "helped_ci", "worse_share",
    "flare_share",
)  # fmt: skip


def row(result: dict, exercise: str) -> dict:
    return next(item for item in result["exercises"] if item["exercise"] == exercise)


def test_the_contract_example_numbers(ctx):
    outcomes = {"helped_a_lot": 9, "helped": 25, "no_change": 14, "worse": 6, "much_worse": 3}
    reports = [outcome for outcome, count in outcomes.items() for _ in range(count)]
    for number, outcome in enumerate(reports):
        flare = "next_day" if number % 5 == 0 else "none"  # 12 of 57
        post(1, onset="injury", exercises=("qigong",), outcome=outcome, flare=flare)
    post(10, onset="sedentary", exercises=("qigong",), outcome="no_change")

    result = service.insights({"onset": "injury"})

    assert result["filters"] == {"onset": "injury"}
    assert result["group_size"] == 57
    assert result["min_reports"] == 5
    assert result["suppressed"] == others("qigong")
    (qigong,) = result["exercises"]
    assert {key: qigong[key] for key in CONTRACT_ROW} == {
        "exercise": "qigong",
        "people": 57,
        "reports": 57,
        "outcomes": outcomes,
        "helped_share": 0.596,
        "helped_ci": [0.467, 0.714],
        "worse_share": 0.158,
        "flare_share": 0.211,
    }
    # The baseline is everyone outside the group: the ten with a desk-job onset.
    assert qigong["baseline"] == {
        "people": 10,
        "reports": 10,
        "helped_share": 0.0,
        "helped_ci": [0.0, 0.278],
    }


@pytest.mark.parametrize("status", ["pending", "rejected", "hidden", "deleted"])
def test_only_published_experiences_count(ctx, status):
    post(5, exercises=("yoga",))
    post(3, exercises=("yoga",), status=status, published_at=None)

    result = service.insights({})

    assert result["group_size"] == 5
    assert row(result, "yoga")["reports"] == 5


def test_an_experience_with_several_exercises_counts_for_its_main_exercise_only(ctx):
    post(5, exercises=("walking", "yoga", "qigong"), outcome="helped")
    post(5, exercises=("yoga",), outcome="no_change")

    result = service.insights({})

    assert result["group_size"] == 10
    assert {item["exercise"]: item["people"] for item in result["exercises"]} == {
        "walking": 5,
        "yoga": 5,
    }
    assert row(result, "walking")["combined"] == 5
    assert row(result, "yoga")["combined"] == 0
    assert row(result, "yoga")["helped_share"] == 0.0


def test_an_exercise_below_min_reports_is_listed_without_numbers(ctx):
    post(6, exercises=("walking",))
    post(4, exercises=("hiit",), outcome="much_worse")

    result = service.insights({})

    assert [item["exercise"] for item in result["exercises"]] == ["walking"]
    # Four people and none look the same: every key not shown is listed.
    assert result["suppressed"] == others("walking")


def test_a_group_smaller_than_min_reports_gets_no_numbers_at_all(ctx):
    post(4, onset="stress", exercises=("walking", "yoga"))
    post(20, onset="injury", exercises=("walking",))

    result = service.insights({"onset": "stress"})

    assert result["group_size"] is None
    assert result["exercises"] == []
    # Every type is suppressed, so the list says nothing about what the few did.
    assert result["suppressed"] == list(EXERCISE)


def test_combining_filters_cannot_single_out_one_member(ctx):
    """Everyone shares most of the profile; one member alone is 60+ with ME/CFS."""
    common = {"onset": "injury", "symptom": "fatigue", "exercises": ("yoga", "swimming")}
    post(12, condition="me_cfs", age_band="40s", **common)
    post(12, condition="fibromyalgia", age_band="60_plus", **common)
    ExperienceFactory(
        condition="me_cfs", age_band="60_plus", outcome="much_worse", flare="same_day", **common
    )
    attempts = [
        {"onset": "injury", "condition": "me_cfs", "age_band": "60_plus"},
        {"condition": "me_cfs", "age_band": "60_plus"},
        {"onset": "injury", "symptom": "fatigue", "condition": "me_cfs", "age_band": "60_plus"},
    ]
    for group in attempts:
        result = service.insights(group)
        assert result["group_size"] is None, group
        assert result["exercises"] == [], group

    # Broader groups include the member, but only among at least min_reports others.
    for group in ({"age_band": "60_plus"}, {"condition": "me_cfs"}):
        assert all(item["people"] >= 5 for item in service.insights(group)["exercises"])


def test_min_reports_comes_from_the_configuration(tmp_path):
    with configured(tmp_path, INSIGHTS_MIN_REPORTS=8):
        post(7, exercises=("walking",))
        post(8, exercises=("yoga",))
        result = service.insights({})
        assert result["min_reports"] == 8
        assert [item["exercise"] for item in result["exercises"]] == ["yoga"]
        assert result["suppressed"] == others("yoga")


def test_ranking_uses_the_lower_bound_not_the_raw_share(tmp_path):
    with configured(tmp_path, INSIGHTS_MIN_REPORTS=3):
        post(3, exercises=("dance",), outcome="helped_a_lot")  # 3 of 3 helped
        post(60, exercises=("walking",), outcome="helped")  # 60 of 80 helped
        post(20, exercises=("walking",), outcome="no_change")
        post(10, exercises=("running",), outcome="worse")

        ranked = [item["exercise"] for item in service.insights({})["exercises"]]

    assert ranked == ["walking", "dance", "running"]


def test_each_row_carries_the_baseline_of_everyone_outside_the_group(ctx):
    post(10, onset="injury", exercises=("tai_chi",), outcome="helped")
    post(30, onset="sedentary", exercises=("tai_chi",), outcome="worse")

    group = row(service.insights({"onset": "injury"}), "tai_chi")
    everyone = row(service.insights({}), "tai_chi")

    assert group["helped_share"] == 1.0
    assert group["baseline"]["people"] == 30
    assert group["baseline"]["helped_share"] == 0.0
    assert group["helped_share_difference"] == 1.0
    low, high = group["helped_share_difference_ci"]
    assert 0 < low < high <= 1
    assert group["beyond_chance"] is True
    # Nobody is outside "everyone": no baseline, no difference, no verdict.
    assert everyone["baseline"]["people"] is None
    assert everyone["helped_share_difference"] is None
    assert everyone["beyond_chance"] is False
    assert everyone["helped_share"] == 0.25


def test_intensity_breakdown_suppresses_small_cells_and_what_would_reveal_them(ctx, monkeypatch):
    monkeypatch.setattr(service, "complementary", lambda: True)  # the protection itself
    post(12, exercises=("walking",), intensity="gentle", outcome="helped")
    post(6, exercises=("walking",), intensity="moderate", outcome="no_change")
    post(2, exercises=("walking",), intensity="vigorous", outcome="much_worse")
    post(9, exercises=("yoga",), intensity="gentle")
    post(6, exercises=("yoga",), intensity="moderate")

    result = service.insights({}, detail=True)

    # Vigorous walking (2) is never shown, and never beside both other intensities of a shown
    # walking row (it would be walking minus gentle minus moderate).
    rows = {item["exercise"]: item for item in result["exercises"]}
    assert "walking" in result["suppressed"] or [
        cell["intensity"] for cell in rows["walking"]["intensities"]
    ] == ["gentle"]
    for item in rows.values():
        listed = [cell["intensity"] for cell in item["intensities"]]
        assert sorted(listed + item["intensities_suppressed"]) == sorted(INTENSITY)
        assert len(item["intensities_suppressed"]) != 1


def test_intensity_detail_is_only_added_when_asked_for(ctx):
    post(5, exercises=("walking",))
    assert "intensities" not in row(service.insights({}), "walking")


def test_compare_gives_both_groups_and_the_difference_with_its_interval(ctx):
    post(56, onset="sedentary", exercises=("walking",), outcome="helped")
    post(14, onset="sedentary", exercises=("walking",), outcome="worse")
    post(48, onset="injury", exercises=("walking",), outcome="helped")
    post(32, onset="injury", exercises=("walking",), outcome="no_change")
    post(6, onset="injury", exercises=("yoga",))

    result = service.compare({"onset": "sedentary"}, {"onset": "injury"})

    assert result["a"] == service.insights({"onset": "sedentary"})
    assert result["b"] == service.insights({"onset": "injury"})
    walking, yoga = result["exercises"]
    assert walking["exercise"] == "walking"
    assert walking["a"] == {
        "people": 70,
        "reports": 70,
        "helped_share": 0.8,
        "helped_ci": [0.692, 0.877],
    }
    assert walking["beyond_chance"] is True
    assert result["correction"] == "holm"
    assert walking["helped_share_difference"] == 0.2
    # Newcombe's example (a) has the same shares: 56/70 vs 48/80, interval 0.0524 to 0.3339.
    assert walking["helped_share_difference_ci"] == [0.052, 0.334]
    assert yoga["a"] is None
    assert yoga["helped_share_difference"] is None

"""GET /api/v1/insights and /api/v1/insights/compare: the contract's shape, errors, detail."""

import pytest

from forum.vocabulary import EXERCISE
from tests.factories import ExperienceFactory, UserFactory

# The counting, with threshold-only suppression (the protection: test_insights_attacker.py).
pytestmark = pytest.mark.usefixtures("counting_only")


ROW_KEYS = {
    "exercise",
    "people",
    "reports",
    "combined",
    "flare_when",
    "helped_share_difference",
    "helped_share_difference_ci",
    "beyond_chance",
    "outcomes",
    "helped_share",
    "helped_ci",
    "worse_share",
    "flare_share",
    "baseline",
    "stopped",
    "answers_from",
}


@pytest.fixture
def stories(ctx):
    """Each story by a different member: 10 with an injury onset, 9 with a desk-job onset."""
    for number in range(12):
        ExperienceFactory(
            author=UserFactory(),
            onset="injury" if number < 8 else "sedentary",
            condition="fibromyalgia",
            exercises=("qigong", "walking") if number % 2 else ("qigong",),
            outcome=["helped", "helped_a_lot", "no_change", "worse"][number % 4],
            flare="none" if number % 3 else "next_day",
            intensity="gentle" if number < 6 else "moderate",
        )
    for _ in range(2):
        ExperienceFactory(onset="injury", exercises=("hiit",), outcome="worse")
    for _ in range(5):
        ExperienceFactory(onset="sedentary", exercises=("walking", "qigong"))


def others(*shown: str) -> list[str]:
    return [key for key in EXERCISE if key not in shown]


def test_insights_has_exactly_the_contracts_shape(client, stories):
    response = client.get("/api/v1/insights?onset=injury")

    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {
        "filters",
        "group_size",
        "min_reports",
        "exercises",
        "suppressed",
        "correction",
        "wider_groups",
        "view",
    }
    assert body["view"] == "all"
    assert body["correction"] == "holm"
    assert body["filters"] == {"onset": "injury"}
    assert body["group_size"] == 10
    assert body["min_reports"] == 5
    assert body["suppressed"] == others("qigong")
    (qigong,) = body["exercises"]
    assert set(qigong) == ROW_KEYS
    assert qigong["exercise"] == "qigong"
    assert qigong["reports"] == 8
    assert qigong["people"] == 8
    assert qigong["combined"] == 4
    assert qigong["stopped"] == {"people": None, "reasons": {}, "reasons_suppressed": []}
    assert qigong["answers_from"] == {"stories": 8, "follow_ups": 0, "quick_answers": 0}
    assert qigong["outcomes"] == {
        "helped_a_lot": 2,
        "helped": 2,
        "no_change": 2,
        "worse": 2,
        "much_worse": 0,
    }
    assert qigong["helped_share"] == 0.5
    assert qigong["helped_ci"] == [0.215, 0.785]
    assert qigong["worse_share"] == 0.25
    assert qigong["flare_share"] == 0.375
    # Everyone outside the group: the four desk-job qigong stories, too few to show.
    assert qigong["baseline"] == {
        "people": None,
        "reports": None,
        "helped_share": None,
        "helped_ci": None,
    }
    assert qigong["beyond_chance"] is False
    # Ten people is narrower than 30: each wider group drops one filter.
    assert body["wider_groups"] == [{"filters": {}, "group_size": 19}]
    assert all(isinstance(value, float) for value in qigong["helped_ci"])


def test_anyone_may_ask_without_a_token(client, stories):
    assert client.get("/api/v1/insights").status_code == 200


def test_no_filter_means_everyone(client, stories):
    body = client.get("/api/v1/insights").get_json()
    assert body["filters"] == {}
    assert body["group_size"] == 19
    assert body["wider_groups"] == []


def test_all_four_filters_combine(client, stories):
    query = "onset=injury&condition=fibromyalgia&symptom=pain&age_band=40s"
    body = client.get(f"/api/v1/insights?{query}").get_json()
    assert body["filters"] == {
        "onset": "injury",
        "condition": "fibromyalgia",
        "symptom": "pain",
        "age_band": "40s",
    }
    assert body["group_size"] is None


def test_an_empty_parameter_is_no_filter(client, stories):
    body = client.get("/api/v1/insights?symptom=&onset=injury").get_json()
    assert body["filters"] == {"onset": "injury"}


@pytest.mark.parametrize(
    "query",
    ["onset=desk", "condition=FIBROMYALGIA", "age_band=40", "detail=everything"],
)
def test_unknown_filter_keys_are_a_400_naming_the_field(client, stories, query):
    response = client.get(f"/api/v1/insights?{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "bad_request"
    assert list(error["fields"]) == [query.split("=")[0]]


def test_detail_intensity_adds_the_breakdown(client, stories):
    body = client.get("/api/v1/insights?detail=intensity").get_json()
    qigong = next(row for row in body["exercises"] if row["exercise"] == "qigong")
    assert [cell["intensity"] for cell in qigong["intensities"]] == ["gentle", "moderate"]
    assert qigong["intensities_suppressed"] == ["vigorous"]  # nobody: listed like a few
    assert sum(cell["reports"] for cell in qigong["intensities"]) == qigong["reports"]


def test_compare_two_groups(client, stories):
    response = client.get("/api/v1/insights/compare?a=onset:injury&b=everyone")

    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"min_reports", "correction", "a", "b", "exercises"}
    assert body["a"] == client.get("/api/v1/insights?onset=injury").get_json()
    assert body["b"] == client.get("/api/v1/insights").get_json()
    by_exercise = {row["exercise"]: row for row in body["exercises"]}
    assert set(by_exercise) == {"qigong", "walking"}
    qigong = by_exercise["qigong"]
    assert set(qigong) == {
        "exercise",
        "a",
        "b",
        "helped_share_difference",
        "helped_share_difference_ci",
        "beyond_chance",
    }
    assert qigong["a"] == {
        "people": 8,
        "reports": 8,
        "helped_share": 0.5,
        "helped_ci": [0.215, 0.785],
    }
    assert qigong["beyond_chance"] is False
    assert qigong["helped_share_difference"] == 0.0
    low, high = qigong["helped_share_difference_ci"]
    assert low < 0 < high
    assert by_exercise["walking"]["a"] is None
    assert by_exercise["walking"]["helped_share_difference"] is None


def test_compare_accepts_several_pairs_per_group(client, stories):
    body = client.get(
        "/api/v1/insights/compare?a=onset:injury,condition:fibromyalgia&b=onset:sedentary"
    ).get_json()
    assert body["a"]["filters"] == {"onset": "injury", "condition": "fibromyalgia"}
    assert body["b"]["group_size"] == 9


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("a=onset:injury", "b"),
        ("a=onset&b=everyone", "a"),
        ("a=color:red&b=everyone", "a"),
        ("a=onset:desk&b=everyone", "a"),
        ("a=everyone&b=onset:injury,onset:stress", "b"),
        ("a=everyone&b=everyone&detail=all", "detail"),
    ],
)
def test_compare_refuses_malformed_groups(client, stories, query, field):
    response = client.get(f"/api/v1/insights/compare?{query}")
    assert response.status_code == 400
    assert field in response.get_json()["error"]["fields"]

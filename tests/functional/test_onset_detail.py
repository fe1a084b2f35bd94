"""Onset in two levels, severity and years ill: profile, experiences, lists, search, insights."""

import os
import sqlite3
import subprocess

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import Experience, User
from forum.vocabulary import EXERCISE, ONSET_DETAIL, SEVERITY, YEARS_ILL
from tests.factories import ExperienceFactory, UserFactory
from tests.functional.test_experiences_pages import FORM
from tests.functional.test_main_exercise import FLASK, PROJECT_ROOT
from tests.unit.test_experiences_service import VALID

NEW_FIELDS = ("onset_detail", "severity", "years_ill")


@pytest.fixture
def maple(app, auth):
    with app.app_context():
        UserFactory(username="maple", role="moderator")
    return auth.headers("maple")


def test_taxonomy_lists_details_with_their_family_severity_and_years(client):
    lists = client.get("/api/v1/taxonomy").get_json()
    details = {item["key"]: item for item in lists["onset_detail"]}
    assert set(details) == set(ONSET_DETAIL)
    assert details["car_collision"]["onset"] == "injury"
    assert details["desk_job"]["onset"] == "sedentary"
    assert all(item["label"] for item in details.values())
    assert [item["key"] for item in lists["severity"]] == list(SEVERITY)
    assert [item["key"] for item in lists["years_ill"]] == list(YEARS_ILL)
    severe = next(item["label"] for item in lists["severity"] if item["key"] == "severe")
    assert "housebound" in severe


def test_profile_api_takes_the_fields_and_infers_the_family_from_a_detail(client, maple):
    me = client.get("/api/v1/me", headers=maple).get_json()
    assert all(me[name] is None for name in NEW_FIELDS)
    answer = client.patch(
        "/api/v1/me",
        json={"onset_detail": "car_collision", "severity": "moderate", "years_ill": "1_to_5"},
        headers=maple,
    )
    assert answer.status_code == 200
    body = answer.get_json()
    assert (body["onset"], body["onset_detail"], body["severity"], body["years_ill"]) == (
        "injury", "car_collision", "moderate", "1_to_5",
    )  # fmt: skip
    # Changing the family alone drops the detail of the other family.
    body = client.patch("/api/v1/me", json={"onset": "illness"}, headers=maple).get_json()
    assert (body["onset"], body["onset_detail"]) == ("illness", None)


@pytest.mark.parametrize(
    "values, field",
    [
        ({"onset": "illness", "onset_detail": "fall"}, "onset_detail"),
        ({"onset_detail": "crash"}, "onset_detail"),
        ({"severity": "terrible"}, "severity"),
        ({"years_ill": "20"}, "years_ill"),
    ],
)
def test_bad_profile_values_are_422_naming_the_field(client, maple, values, field):
    answer = client.patch("/api/v1/me", json=values, headers=maple)
    assert answer.status_code == 422
    assert list(answer.get_json()["error"]["fields"]) == [field]


def test_posting_copies_the_profile_and_a_family_change_drops_its_detail(client, maple, ctx):
    client.patch(
        "/api/v1/me",
        json={"onset_detail": "desk_job", "severity": "severe", "years_ill": "over_10"},
        headers=maple,
    )
    copied = client.post("/api/v1/experiences", json=VALID, headers=maple).get_json()
    assert (copied["onset"], copied["onset_detail"], copied["severity"]) == (
        "sedentary", "desk_job", "severe",
    )  # fmt: skip
    assert copied["years_ill"] == "over_10"
    other = client.post(
        "/api/v1/experiences", json={**VALID, "onset": "injury"}, headers=maple
    ).get_json()
    assert (other["onset"], other["onset_detail"]) == ("injury", None)
    url = f"/api/v1/experiences/{copied['id']}"
    edited = client.patch(url, json={"onset_detail": "car_collision"}, headers=maple).get_json()
    assert (edited["onset"], edited["onset_detail"]) == ("injury", "car_collision")
    wrong = client.patch(url, json={"onset": "stress", "onset_detail": "fall"}, headers=maple)
    assert wrong.status_code == 422
    assert list(wrong.get_json()["error"]["fields"]) == ["onset_detail"]


def test_experience_json_has_nulls_when_not_given(client, ctx):
    experience = ExperienceFactory(onset="gradual")
    body = client.get(f"/api/v1/experiences/{experience.id}").get_json()
    assert all(name in body and body[name] is None for name in NEW_FIELDS)


@pytest.fixture
def two_stories(ctx):
    car = ExperienceFactory(
        title="Tai chi after the crash",
        body="Slow tai chi in the park after my car collision, and the pain eased.",
        exercises=("tai_chi",),
        onset="injury",
        onset_detail="car_collision",
        severity="severe",
        years_ill="5_to_10",
    )
    desk = ExperienceFactory(
        title="Tai chi after years at a desk",
        body="Tai chi twice a week after years of sitting at a desk job.",
        exercises=("tai_chi",),
        onset="sedentary",
        onset_detail="desk_job",
        severity="mild",
        years_ill="1_to_5",
    )
    return car.id, desk.id


@pytest.mark.parametrize("path", ["/api/v1/experiences", "/api/v1/search?q=tai+chi"])
def test_lists_and_search_filter_by_detail_severity_and_years(client, two_stories, path):
    car, desk = two_stories
    joiner = "&" if "?" in path else "?"

    def ids(query):
        body = client.get(path + joiner + query).get_json()
        return {item.get("id") or item["experience"]["id"] for item in body["items"]}

    assert ids("onset_detail=car_collision") == {car}
    assert ids("onset=injury&onset_detail=car_collision") == {car}
    assert ids("severity=mild") == {desk}
    assert ids("years_ill=5_to_10") == {car}
    assert ids("onset=sedentary") == {desk}
    for bad in ("onset=illness&onset_detail=fall", "onset_detail=crash", "severity=x"):
        answer = client.get(path + joiner + bad)
        assert answer.status_code in (400, 422)
        assert set(answer.get_json()["error"]["fields"]) & {"onset_detail", "severity"}


def test_search_counts_details_as_a_facet(client, two_stories):
    facets = client.get("/api/v1/search?q=tai+chi").get_json()["facets"]
    assert facets["onset_detail"] == {"car_collision": 1, "desk_job": 1}


def test_pages_filter_and_show_the_new_choices(client, two_stories):
    page = client.get("/experiences?onset_detail=desk_job").get_data(as_text=True)
    assert "Tai chi after years at a desk" in page and "after the crash" not in page
    assert client.get("/experiences?onset=illness&onset_detail=fall").status_code in (400, 422)
    search = client.get("/search?q=tai+chi&severity=severe").get_data(as_text=True)
    assert "after the crash" in search and "years at a desk" not in search


def _members_post(count: int, exercise: str, outcome: str, **profile) -> None:
    for _ in range(count):
        ExperienceFactory(exercises=(exercise,), outcome=outcome, **profile)


@pytest.fixture
def detailed_community(ctx):
    """Car collisions (6, tai chi helped) and desk jobs (7, walking), all severe or mild."""
    _members_post(6, "tai_chi", "helped", onset="injury", onset_detail="car_collision",
                  severity="severe", years_ill="over_10")  # fmt: skip
    _members_post(7, "walking", "no_change", onset="sedentary", onset_detail="desk_job",
                  severity="mild", years_ill="1_to_5")  # fmt: skip


@pytest.mark.parametrize(
    ("query", "size"),
    [
        ("onset_detail=car_collision", 6),
        ("onset=injury&onset_detail=car_collision", 6),
        ("severity=mild", 7),
        ("years_ill=over_10", 6),
        ("onset_detail=desk_job&severity=mild", 7),
    ],
)
def test_insights_group_by_onset_detail_severity_and_years_ill(
    client, counting_only, detailed_community, query, size
):
    body = client.get(f"/api/v1/insights?{query}").get_json()
    assert body["filters"] == dict(pair.split("=") for pair in query.split("&"))
    assert body["group_size"] == size
    shown = {row["exercise"]: row["people"] for row in body["exercises"]}
    assert shown == ({"tai_chi": 6} if size == 6 else {"walking": 7})


def test_the_comparison_view_compares_details(client, counting_only, detailed_community):
    body = client.get(
        "/api/v1/insights/compare?a=onset_detail:car_collision&b=onset_detail:desk_job"
    ).get_json()
    assert (body["a"]["group_size"], body["b"]["group_size"]) == (6, 7)
    assert body["a"]["filters"] == {"onset_detail": "car_collision"}
    rows = {row["exercise"]: row for row in body["exercises"]}
    assert rows["tai_chi"]["a"]["people"] == 6 and rows["tai_chi"]["b"] is None


def test_a_group_with_too_many_filters_beside_a_detail_is_answered_as_suppressed(
    client, counting_only, detailed_community
):
    # Protecting every combination of seven dimensions is out of reach: with a detail,
    # severity or years ill, a group has at most MOST_FILTERS_WITH_DETAILS filters.
    query = "onset_detail=car_collision&severity=severe&years_ill=over_10"
    body = client.get(f"/api/v1/insights?{query}").get_json()
    assert body["group_size"] is None and body["exercises"] == []
    assert sorted(body["suppressed"]) == sorted(EXERCISE)
    assert [wider["filters"] for wider in body["wider_groups"]] == [
        {"severity": "severe", "years_ill": "over_10"},
        {"onset_detail": "car_collision", "years_ill": "over_10"},
        {"onset_detail": "car_collision", "severity": "severe"},
    ]
    assert {wider["group_size"] for wider in body["wider_groups"]} == {6}


@pytest.mark.parametrize(
    "query", ["onset=illness&onset_detail=fall", "onset_detail=crash", "severity=x", "years_ill=9"]
)
def test_insights_refuse_unknown_or_mismatched_keys(client, ctx, query):
    response = client.get(f"/api/v1/insights?{query}")
    assert response.status_code in (400, 422)
    name = query.split("&")[-1].split("=")[0]
    assert name in response.get_json()["error"]["fields"]
    compare = client.get(
        f"/api/v1/insights/compare?a={query.replace('=', ':').replace('&', ',')}&b=everyone"
    )
    assert compare.status_code in (400, 422)


def test_profile_page_and_experience_form_take_the_new_fields(client, auth, ctx):
    UserFactory(username="maple")
    auth.login()
    page = client.get("/profile").get_data(as_text=True)
    assert 'name="onset_detail" value="car_collision"' in page
    assert 'name="severity" value="very_severe"' in page
    saved = client.post(
        "/profile",
        data={"onset": "", "onset_detail": "fall", "severity": "mild", "years_ill": "under_1"},
    )
    assert saved.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "maple"))
    assert (user.onset, user.onset_detail, user.severity, user.years_ill) == (
        "injury", "fall", "mild", "under_1",
    )  # fmt: skip
    wrong = client.post("/profile", data={"onset": "stress", "onset_detail": "fall"})
    assert wrong.status_code == 422
    assert "is a kind of injury onset" in wrong.get_data(as_text=True)
    form = {**FORM, "onset": "sedentary", "onset_detail": "long_driving", "severity": "moderate"}
    assert client.post("/experiences/new", data=form).status_code == 302
    experience = db.session.scalar(select(Experience))
    assert (experience.onset_detail, experience.severity, experience.years_ill) == (
        "long_driving", "moderate", "under_1",  # left out of the form: copied from the profile
    )  # fmt: skip


@pytest.mark.slow
def test_the_migration_keeps_each_family_with_no_detail(tmp_path):
    path = tmp_path / "old.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "FORUM_ENV": "development"}
    env["FORUM_INSTANCE_PATH"] = str(tmp_path / "instance")

    def flask_db(*args):
        result = subprocess.run(
            [FLASK, "--app", "app", "db", *args], cwd=PROJECT_ROOT, env=env,
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr

    flask_db("upgrade", "0007_main_exercise")
    with sqlite3.connect(path) as connection:
        connection.execute(
            "INSERT INTO users (id, username, username_key, role, onset, approvals_toward_trust,"
            " session_token, is_demo, created_at) VALUES (1, 'maple', 'maple', 'member',"
            " 'injury', 0, 'x', 0, '2026-01-01')"
        )
        connection.execute(
            "INSERT INTO experiences (id, author_id, title, body, body_html, main_exercise,"
            " intensity, outcome, flare, onset, status, me_too_count, reply_count, flag_count,"
            " version, is_demo, created_at, updated_at, submitted_at) VALUES (1, 1, 'Old story',"
            " 'Body of an old story.', '<p>x</p>', 'walking', 'gentle', 'helped', 'none',"
            " 'sedentary', 'published', 0, 0, 0, 1, 0, '2026-01-01', '2026-01-01', '2026-01-01')"
        )
    flask_db("upgrade")
    with sqlite3.connect(path) as connection:
        for table, onset in (("users", "injury"), ("experiences", "sedentary")):
            row = connection.execute(
                f"SELECT onset, onset_detail, severity, years_ill FROM {table}"  # noqa: S608
            ).fetchone()
            assert row == (onset, None, None, None)


def test_the_insights_page_groups_by_the_new_choices(client, counting_only, detailed_community):
    page = client.get("/insights?onset_detail=car_collision&severity=severe")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<option value="car_collision" selected>' in text
    assert '<option value="severe" selected>' in text
    assert "onset: car or road collision, severe illness" in text
    assert client.get("/insights?onset=illness&onset_detail=fall").status_code in (400, 422)

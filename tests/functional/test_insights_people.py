"""Insights count people, not posts: main exercise, baseline outside, correction, widening."""

import pytest
from sqlalchemy import delete, select, update

from forum.demo import loader
from forum.extensions import db
from forum.insights import service
from forum.insights.schemas import ComparisonResponseSchema, InsightsResponseSchema
from forum.models import Experience, QuickAnswer, SearchChange
from forum.vocabulary import EXERCISE
from tests.factories import TEST_PASSWORD, ExperienceFactory, UserFactory

# The counting, with threshold-only suppression (the protection: test_insights_attacker.py).
pytestmark = pytest.mark.usefixtures("counting_only")


def row(body: dict, exercise: str) -> dict | None:
    return next((item for item in body["exercises"] if item["exercise"] == exercise), None)


def members_post(count: int, **fields) -> None:
    for _ in range(count):
        ExperienceFactory(author=UserFactory(), **fields)


def test_one_members_five_posts_count_once(client, ctx):
    members_post(5, exercises=("walking",), outcome="no_change")
    keen = UserFactory()
    for _ in range(5):
        ExperienceFactory(author=keen, exercises=("walking",), outcome="helped")

    body = client.get("/api/v1/insights").get_json()

    walking = row(body, "walking")
    assert body["group_size"] == 6
    assert (walking["people"], walking["reports"]) == (6, 10)
    assert walking["outcomes"]["helped"] == 1
    assert sum(walking["outcomes"].values()) == walking["people"]


def test_the_latest_answer_of_a_person_is_the_one_counted(client, ctx):
    members_post(5, exercises=("yoga",), outcome="no_change")
    changed_mind = UserFactory()
    ExperienceFactory(author=changed_mind, exercises=("yoga",), outcome="worse")
    ExperienceFactory(author=changed_mind, exercises=("yoga",), outcome="helped_a_lot")

    yoga = row(client.get("/api/v1/insights").get_json(), "yoga")

    assert yoga["outcomes"] == {
        "helped_a_lot": 1, "helped": 0, "no_change": 5, "worse": 0, "much_worse": 0,
    }  # fmt: skip


def test_a_multi_exercise_post_credits_only_its_main_exercise(client, ctx):
    members_post(5, exercises=("yoga", "strength", "hiit"), outcome="helped")
    members_post(5, exercises=("hiit",), outcome="worse")

    body = client.get("/api/v1/insights").get_json()

    assert row(body, "yoga")["people"] == 5
    assert row(body, "yoga")["combined"] == 5
    assert row(body, "hiit")["helped_share"] == 0.0
    assert row(body, "hiit")["combined"] == 0
    assert row(body, "strength") is None
    assert "strength" in body["suppressed"]


def test_a_group_of_four_people_with_twelve_posts_is_suppressed(client, ctx):
    for _ in range(4):
        author = UserFactory()
        for _ in range(3):
            ExperienceFactory(author=author, onset="stress", exercises=("walking",))
    members_post(10, onset="injury", exercises=("walking",))

    body = client.get("/api/v1/insights?onset=stress").get_json()

    assert body["group_size"] is None
    assert body["exercises"] == []
    assert body["suppressed"] == list(EXERCISE)


def test_every_exercise_key_is_shown_or_suppressed(client, ctx):
    members_post(6, exercises=("walking",))
    members_post(2, exercises=("yoga",))

    body = client.get("/api/v1/insights").get_json()

    assert [item["exercise"] for item in body["exercises"]] == ["walking"]
    assert body["suppressed"] == [key for key in EXERCISE if key != "walking"]


def test_the_baseline_is_everyone_outside_the_group(client, ctx):
    members_post(8, onset="injury", exercises=("qigong",), outcome="helped")
    members_post(12, onset="sedentary", exercises=("qigong",), outcome="no_change")

    qigong = row(client.get("/api/v1/insights?onset=injury").get_json(), "qigong")

    assert qigong["baseline"]["people"] == 12
    assert qigong["baseline"]["helped_share"] == 0.0
    assert qigong["helped_share_difference"] == 1.0
    assert qigong["beyond_chance"] is True


def test_wider_groups_list_each_group_that_drops_one_filter(client, app, ctx):
    app.config["INSIGHTS_WIDEN_BELOW"] = 10
    members_post(6, onset="injury", condition="me_cfs", exercises=("walking",))
    members_post(3, onset="injury", condition="fibromyalgia", exercises=("walking",))
    members_post(7, onset="sedentary", condition="me_cfs", exercises=("walking",))

    body = client.get("/api/v1/insights?onset=injury&condition=me_cfs").get_json()

    assert body["group_size"] == 6
    assert body["wider_groups"] == [
        {"filters": {"condition": "me_cfs"}, "group_size": 13},
        {"filters": {"onset": "injury"}, "group_size": 9},
    ]
    assert client.get("/api/v1/insights?condition=me_cfs").get_json()["wider_groups"] == []


def test_the_signed_in_default_drops_as_few_answers_as_it_must(client, app, auth, ctx):
    app.config["INSIGHTS_WIDEN_BELOW"] = 8
    common = {"onset": "injury", "exercises": ("walking",)}
    members_post(3, condition="me_cfs", age_band="40s", **common)
    members_post(6, condition="me_cfs", age_band="50s", **common)
    members_post(12, condition="fibromyalgia", age_band="40s", **common)
    UserFactory(username="maple", onset="injury", condition="me_cfs", age_band="40s")
    auth.login("maple", TEST_PASSWORD)

    assert service.default_group({"onset": "injury", "condition": "me_cfs", "age_band": "40s"}) == (
        {"onset": "injury", "condition": "me_cfs"},
        ["age_band"],
    )
    html = client.get("/insights").get_data(as_text=True)
    assert "People like you: <strong>injury onset, ME/CFS</strong>" in html
    assert "we left out your age" in html


def test_the_demo_note_shows_only_while_demo_stories_are_counted(client, ctx):
    members_post(5, exercises=("walking",))
    note = "invented by the demo generator"
    assert note not in client.get("/insights").get_data(as_text=True)

    loader.load(40, seed=3)
    assert note in client.get("/insights").get_data(as_text=True)
    assert note in client.get("/insights/compare").get_data(as_text=True)

    demo = list(db.session.scalars(select(Experience.id).where(Experience.is_demo.is_(True))))
    db.session.execute(update(Experience).where(Experience.id.in_(demo)).values(status="deleted"))
    db.session.add_all(SearchChange(experience_id=experience_id) for experience_id in demo)
    db.session.commit()
    # Demo quick answers copy the demo stories' invented patterns: the note stays for them.
    assert note in client.get("/insights").get_data(as_text=True)
    quick = db.session.scalars(select(QuickAnswer).where(QuickAnswer.is_demo.is_(True))).all()
    assert quick
    db.session.add_all(SearchChange(experience_id=-answer.user_id) for answer in quick)
    db.session.execute(delete(QuickAnswer).where(QuickAnswer.is_demo.is_(True)))
    db.session.commit()
    assert note not in client.get("/insights").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/insights", "/insights/compare"])
def test_every_view_says_what_the_numbers_are(client, ctx, path):
    html = client.get(path).get_data(as_text=True)
    assert "members who chose to post" in html
    assert "not a\n  clinical study" in html
    assert "cannot say what caused what" in html


def test_compare_names_its_correction_and_verdicts(client, ctx):
    members_post(30, onset="sedentary", exercises=("walking",), outcome="helped")
    members_post(30, onset="injury", exercises=("walking",), outcome="worse")

    body = client.get("/api/v1/insights/compare?a=onset:sedentary&b=onset:injury").get_json()

    assert body["correction"] == "holm"
    (walking,) = body["exercises"]
    assert walking["a"]["people"] == 30
    assert walking["beyond_chance"] is True
    html = client.get("/insights/compare?a=onset:sedentary&b=onset:injury").get_data(as_text=True)
    assert "differ beyond chance, even after Holm" in html


def test_the_output_schemas_dump_responses_unchanged(ctx):
    members_post(6, onset="injury", exercises=("walking", "yoga"), flare="next_day")
    members_post(7, onset="sedentary", exercises=("walking",), intensity="moderate")

    for detail in (False, True):
        result = service.insights({"onset": "injury"}, detail=detail)
        assert InsightsResponseSchema().dump(result) == result
    comparison = service.compare({"onset": "injury"}, {}, detail=True)
    assert ComparisonResponseSchema().dump(comparison) == comparison

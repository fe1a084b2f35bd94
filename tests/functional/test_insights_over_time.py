"""Insights take each person's latest word: a story, a follow-up or a quick answer."""

import pytest

from forum.insights.cube import Cube
from tests.factories import ExperienceFactory, UserFactory

# The counting, with threshold-only suppression (the protection: test_insights_attacker.py).
pytestmark = pytest.mark.usefixtures("counting_only")


def row(body: dict, exercise: str) -> dict | None:
    return next((item for item in body["exercises"] if item["exercise"] == exercise), None)


def crowd(count: int, exercise: str, outcome: str = "no_change", **fields) -> None:
    for _ in range(count):
        ExperienceFactory(author=UserFactory(), exercises=(exercise,), outcome=outcome, **fields)


@pytest.fixture
def trusted(ctx, auth):
    UserFactory(username="keen", trusted=True, onset="injury")
    return auth.headers("keen")


def follow_up(client, headers, experience_id, **fields):
    body = {"still_doing": True, "outcome": "helped", "flare": "none", **fields}
    response = client.post(
        f"/api/v1/experiences/{experience_id}/follow-ups", json=body, headers=headers
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def quick(client, headers, exercise, outcome, flare="none"):
    response = client.put(
        f"/api/v1/exercises/{exercise}/my-answer",
        json={"outcome": outcome, "flare": flare},
        headers=headers,
    )
    assert response.status_code == 200, response.get_json()


def test_story_follow_up_and_quick_answer_count_once_with_the_latest(client, ctx, trusted):
    from forum.extensions import db
    from forum.models import User

    crowd(5, "tai_chi")
    keen = db.session.scalar(db.select(User).filter_by(username="keen"))
    story = ExperienceFactory(author=keen, exercises=("tai_chi",), outcome="helped").id
    first = row(client.get("/api/v1/insights").get_json(), "tai_chi")  # the cube is built
    assert (first["people"], first["outcomes"]["helped"]) == (6, 1)

    follow_up(client, trusted, story, still_doing=False, stop_reason="flare_ups",
              outcome="much_worse", flare="next_day")  # fmt: skip
    after_follow_up = row(client.get("/api/v1/insights").get_json(), "tai_chi")
    assert after_follow_up["people"] == 6 and after_follow_up["reports"] == 6
    assert after_follow_up["outcomes"]["much_worse"] == 1
    assert after_follow_up["outcomes"]["helped"] == 0
    assert after_follow_up["answers_from"] == {"stories": 5, "follow_ups": 1, "quick_answers": 0}

    quick(client, trusted, "tai_chi", "worse")
    latest = row(client.get("/api/v1/insights").get_json(), "tai_chi")
    assert latest["people"] == 6 and sum(latest["outcomes"].values()) == 6
    assert latest["outcomes"] == {
        "helped_a_lot": 0, "helped": 0, "no_change": 5, "worse": 1, "much_worse": 0,
    }  # fmt: skip
    assert latest["answers_from"] == {"stories": 5, "follow_ups": 0, "quick_answers": 1}
    # A cube built from scratch agrees with the one kept current.
    fresh = Cube().counts({})[0][0].exercises["tai_chi"]
    assert fresh.outcomes == latest["outcomes"]

    assert client.delete("/api/v1/exercises/tai_chi/my-answer", headers=trusted).status_code == 204
    back = row(client.get("/api/v1/insights").get_json(), "tai_chi")
    assert back["outcomes"]["much_worse"] == 1 and back["people"] == 6


def test_a_quick_answer_alone_makes_a_person(client, ctx, trusted, auth):
    crowd(5, "yoga", outcome="helped")
    before = client.get("/api/v1/insights").get_json()
    quick(client, trusted, "yoga", "worse", flare="same_day")
    body = client.get("/api/v1/insights").get_json()
    yoga = row(body, "yoga")
    assert body["group_size"] == before["group_size"] + 1
    assert yoga["people"] == 6 and yoga["reports"] == 5 and yoga["outcomes"]["worse"] == 1
    # Its profile (copied from keen's: injury) puts it in that group.
    assert Cube().sizes({"onset": "injury"}, {"onset": "stress"}) == [1, 0]


def test_an_earlier_quick_answer_gives_way_to_a_later_follow_up(client, ctx, trusted):
    from forum.extensions import db
    from forum.models import User

    crowd(5, "walking")
    keen = db.session.scalar(db.select(User).filter_by(username="keen"))
    story = ExperienceFactory(author=keen, exercises=("walking",), outcome="helped").id
    quick(client, trusted, "walking", "worse")
    follow_up(client, trusted, story, outcome="helped_a_lot")
    walking = row(client.get("/api/v1/insights").get_json(), "walking")
    assert walking["outcomes"]["helped_a_lot"] == 1 and walking["outcomes"]["worse"] == 0


def test_stopped_people_and_why_shown_from_min_reports(client, ctx, auth):
    stories = []
    for number in range(7):
        author = UserFactory(username=f"stopper{number}", trusted=True)
        stories.append((author.username, ExperienceFactory(author=author, exercises=("hiit",)).id))
    for name, story in stories[:4]:
        follow_up(client, auth.headers(name), story, still_doing=False, stop_reason="flare_ups",
                  outcome="worse")  # fmt: skip
    hiit = row(client.get("/api/v1/insights").get_json(), "hiit")
    # Four stopped: fewer than min_reports, so no number and no reason.
    assert hiit["stopped"] == {"people": None, "reasons": {}, "reasons_suppressed": []}
    name, story = stories[4]
    follow_up(client, auth.headers(name), story, still_doing=False, stop_reason="flare_ups",
              outcome="worse")  # fmt: skip
    hiit = row(client.get("/api/v1/insights").get_json(), "hiit")
    assert hiit["stopped"] == {"people": 5, "reasons": {"flare_ups": 5}, "reasons_suppressed": []}
    name, story = stories[5]
    follow_up(client, auth.headers(name), story, still_doing=False, stop_reason="life",
              outcome="no_change")  # fmt: skip
    hiit = row(client.get("/api/v1/insights").get_json(), "hiit")
    # One "life" could be derived from 6 - 5: flare-ups are suppressed with it.
    assert hiit["stopped"] == {
        "people": 6, "reasons": {}, "reasons_suppressed": ["flare_ups", "life"],
    }  # fmt: skip


def test_after_three_months_view_counts_follow_ups_and_long_stories_only(client, ctx, auth):
    crowd(5, "swimming", outcome="helped", weeks_tried=20)
    crowd(5, "swimming", outcome="worse", weeks_tried=4)
    crowd(3, "swimming", outcome="worse")  # how long: not said
    short = []
    for number in range(2):
        author = UserFactory(username=f"short{number}", trusted=True)
        story = ExperienceFactory(
            author=author, exercises=("swimming",), outcome="helped", weeks_tried=2
        )
        short.append((author.username, story.id))
    for name, story in short:
        follow_up(client, auth.headers(name), story, outcome="much_worse")
    everyone = row(client.get("/api/v1/insights").get_json(), "swimming")
    assert everyone["people"] == 15
    response = client.get("/api/v1/insights?view=long_term")
    assert response.status_code == 200
    body = response.get_json()
    assert body["view"] == "long_term"
    swimming = row(body, "swimming")
    assert swimming["people"] == 7
    assert swimming["outcomes"]["helped"] == 5 and swimming["outcomes"]["much_worse"] == 2
    assert client.get("/api/v1/insights?view=forever").status_code in (400, 422)


def test_pending_follow_ups_do_not_count(client, ctx, auth):
    crowd(5, "dance", outcome="helped")
    newcomer = UserFactory(username="newcomer")
    story = ExperienceFactory(author=newcomer, exercises=("dance",), outcome="helped").id
    follow_up(client, auth.headers("newcomer"), story, outcome="much_worse")
    dance = row(client.get("/api/v1/insights").get_json(), "dance")
    assert dance["outcomes"]["much_worse"] == 0 and dance["outcomes"]["helped"] == 6

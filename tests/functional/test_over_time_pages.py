"""The pages: the follow-up timeline and form, and the "I tried this too" forms."""

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import FollowUp, QuickAnswer
from tests.factories import ExperienceFactory, UserFactory


@pytest.fixture
def story(ctx):
    author = UserFactory(username="maple", trusted=True)
    UserFactory(username="birch")
    return ExperienceFactory(author=author, exercises=("tai_chi",), weeks_tried=4).id


def test_author_adds_a_follow_up_and_the_timeline_shows_it(client, auth, story):
    auth.login("maple")
    page = client.get(f"/experiences/{story}")
    assert "Add a follow-up" in page.get_data(as_text=True)
    response = client.post(
        f"/experiences/{story}/follow-ups",
        data={
            "still_doing": "false",
            "stop_reason": "flare_ups",
            "outcome": "much_worse",
            "flare": "next_day",
            "body": "<img src=x onerror=alert(1)> crashed",
        },  # fmt: skip
    )
    assert response.status_code == 302
    html = client.get(f"/experiences/{story}").get_data(as_text=True)
    assert "after 4 weeks: helped" in html
    assert "much worse, stopped: flare-ups" in html
    assert "<img src=x" not in html
    assert client.get("/experiences").get_data(as_text=True).count("updated") >= 1


def test_follow_up_form_errors_keep_what_was_typed(client, auth, story):
    auth.login("maple")
    response = client.post(
        f"/experiences/{story}/follow-ups",
        data={"still_doing": "false", "outcome": "worse", "flare": "none", "body": "kept text"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "kept text" in html and "stop_reason-errors" in html
    assert db.session.scalars(select(FollowUp)).all() == []


def test_only_the_author_sees_the_follow_up_form(client, auth, story):
    auth.login("birch")
    html = client.get(f"/experiences/{story}").get_data(as_text=True)
    assert "Add a follow-up" not in html
    assert (
        client.post(
            f"/experiences/{story}/follow-ups",
            data={"still_doing": "true", "outcome": "helped", "flare": "none"},
        ).status_code
        == 403
    )


@pytest.mark.usefixtures("counting_only")  # a handful of stories: no lattice protection
def test_quick_answer_from_the_story_page_and_the_insights_page(client, auth, story):
    anonymous = client.get(f"/experiences/{story}").get_data(as_text=True)
    assert "I tried tai chi too" not in anonymous
    auth.login("birch")
    assert "I tried tai chi too" in client.get(f"/experiences/{story}").get_data(as_text=True)
    response = client.post(
        "/experiences/quick-answers/tai_chi",
        data={"outcome": "helped", "flare": "none", "back_to": f"experience:{story}"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/experiences/{story}#quick-answer")
    (answer,) = db.session.scalars(select(QuickAnswer)).all()
    assert (answer.exercise, answer.outcome) == ("tai_chi", "helped")
    assert "you said: helped" in client.get(f"/experiences/{story}").get_data(as_text=True)

    for _ in range(5):
        ExperienceFactory(author=UserFactory(), exercises=("walking",))
    insights = client.get("/insights").get_data(as_text=True)
    assert "I tried walking too" in insights
    response = client.post(
        "/experiences/quick-answers/walking",
        data={"outcome": "worse", "flare": "same_day", "back_to": "https://evil.example/"},
    )
    assert response.headers["Location"].endswith("/insights#exercise-walking")
    response = client.post("/experiences/quick-answers/walking", data={"remove": "1"})
    db.session.expire_all()
    assert [a.exercise for a in db.session.scalars(select(QuickAnswer))] == ["tai_chi"]


def test_quick_answer_forms_need_the_csrf_token(app, story, auth):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    client.post("/login", data={"username": "birch", "password": "correct horse battery"})
    response = client.post(
        "/experiences/quick-answers/tai_chi", data={"outcome": "helped", "flare": "none"}
    )
    assert response.status_code == 400


def test_insights_page_offers_the_three_months_view(client, story):
    html = client.get("/insights?view=long_term").get_data(as_text=True)
    assert "Only after 3 months or more" in html
    assert client.get("/insights?view=nonsense").status_code == 200


def test_moderators_review_follow_ups_on_the_queue_page(client, auth, ctx):
    author = UserFactory(username="newbie")
    UserFactory(username="mod", role="moderator")
    story = ExperienceFactory(author=author, title="Walking in the park most days").id
    auth.login("newbie")
    client.post(
        f"/experiences/{story}/follow-ups",
        data={
            "still_doing": "true",
            "outcome": "helped",
            "flare": "none",
            "body": "Still **going**.",
        },
    )
    (follow_up,) = db.session.scalars(select(FollowUp)).all()
    assert follow_up.status == "pending"
    auth.logout()
    auth.login("mod")
    html = client.get("/moderation").get_data(as_text=True)
    assert "Follow-up to" in html and "Walking in the park most days" in html
    assert "<strong>going</strong>" in html
    url = f"/moderation/follow-ups/{follow_up.id}/decision"
    assert client.post(url, data={"action": "reject"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(FollowUp, follow_up.id).status == "pending"
    assert client.post(url, data={"action": "approve"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(FollowUp, follow_up.id).status == "published"
    assert "Still <strong>going</strong>" in client.get(f"/experiences/{story}").get_data(
        as_text=True
    )

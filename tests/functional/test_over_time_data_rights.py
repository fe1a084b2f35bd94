"""Follow-ups and quick answers in the export, and with the account when it is deleted."""

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import FollowUp, QuickAnswer
from tests.factories import TEST_PASSWORD, ExperienceFactory, UserFactory


@pytest.fixture
def maple(ctx, client, auth):
    author = UserFactory(username="maple", trusted=True)
    UserFactory(username="birch")
    story = ExperienceFactory(author=author, exercises=("yoga",)).id
    headers = auth.headers("maple")
    body = {"still_doing": False, "stop_reason": "life", "outcome": "helped", "flare": "none",
            "body": "Work got busy."}  # fmt: skip
    assert client.post(f"/api/v1/experiences/{story}/follow-ups", json=body,
                       headers=headers).status_code == 201  # fmt: skip
    for key in ("yoga", "walking"):
        answer = {"outcome": "helped", "flare": "none"}
        assert client.put(f"/api/v1/exercises/{key}/my-answer", json=answer,
                          headers=headers).status_code == 200  # fmt: skip
    client.put("/api/v1/exercises/dance/my-answer", json={"outcome": "worse", "flare": "none"},
               headers=auth.headers("birch"))  # fmt: skip
    client.get("/api/v1/insights")  # the cube is built before the deletion: it must catch up
    return {"story": story, "headers": headers}


def test_export_holds_my_follow_ups_and_quick_answers(client, maple):
    data = client.get("/api/v1/me/export", headers=maple["headers"]).get_json()
    follow_ups = [(item["experience_id"], item["stop_reason"], item["body"])
                  for item in data["follow_ups"]]  # fmt: skip
    assert follow_ups == [(maple["story"], "life", "Work got busy.")]
    assert [item["exercise"] for item in data["quick_answers"]] == ["walking", "yoga"]


@pytest.mark.parametrize("choice, kept_status", [("delete", "deleted"), ("anonymize", "published")])
def test_deletion_removes_quick_answers_and_follow_ups_follow_the_choice(
    client, maple, choice, kept_status
):
    response = client.delete(
        "/api/v1/me",
        json={"experiences": choice, "password": TEST_PASSWORD},
        headers=maple["headers"],
    )
    assert response.status_code == 204
    db.session.expire_all()
    assert [a.exercise for a in db.session.scalars(select(QuickAnswer))] == ["dance"]
    (follow_up,) = db.session.scalars(select(FollowUp)).all()
    assert follow_up.status == kept_status
    if choice == "anonymize":
        assert follow_up.author_id is None
    public = client.get(f"/api/v1/experiences/{maple['story']}/follow-ups")
    if choice == "delete":
        assert public.status_code == 404
    else:
        (shown,) = public.get_json()["items"]
        assert shown["author"] == {"username": None}
    # Insights no longer count maple's quick answers.
    insights = client.get("/api/v1/insights").get_json()
    assert all(row["exercise"] != "walking" for row in insights["exercises"])
    from forum.insights.cube import app_cube

    assert app_cube().sizes({})[0] == (2 if choice == "anonymize" else 1)

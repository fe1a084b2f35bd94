"""A decision takes effect everywhere at once: listings, search and insights follow it."""

import pytest

from forum.extensions import db
from forum.models import Experience
from tests.factories import ExperienceFactory, UserFactory

WORD = "zebrafishstretch"


@pytest.fixture
def setup(app, auth):
    # A handful of stories: what counts, not how insights protect it (test_insights_attacker).
    app.config["INSIGHTS_LATTICE_PROTECTION"] = False
    with app.app_context():
        UserFactory(username="mod", role="moderator")
        # Four more in the group: the fifth makes it big enough for insights to show numbers.
        for _ in range(4):
            ExperienceFactory(onset="injury")
        experience = ExperienceFactory(
            status="pending",
            published_at=None,
            title=f"Gentle {WORD} every evening",
            onset="injury",
        )
        return {"id": experience.id, "headers": auth.headers("mod")}


def visible_everywhere(client, experience_id: int) -> dict[str, bool]:
    listed = client.get("/api/v1/experiences?onset=injury&per_page=100").get_json()
    found = client.get(f"/api/v1/search?q={WORD}").get_json()
    insights = client.get("/api/v1/insights?onset=injury").get_json()
    return {
        "listing": experience_id in [item["id"] for item in listed["items"]],
        "search": experience_id in [hit["experience"]["id"] for hit in found["items"]],
        "insights": insights["group_size"] == 5,
        "page": client.get(f"/experiences/{experience_id}").status_code == 200,
    }


def test_approve_hide_and_restore_show_up_at_once(app, client, setup):
    experience_id, headers = setup["id"], setup["headers"]
    everywhere = {"listing": True, "search": True, "insights": True, "page": True}
    nowhere = dict.fromkeys(everywhere, False)
    assert visible_everywhere(client, experience_id) == nowhere

    def decide(body):
        url = f"/api/v1/moderation/experiences/{experience_id}/decision"
        assert client.post(url, json=body, headers=headers).status_code == 200

    decide({"action": "approve"})
    assert visible_everywhere(client, experience_id) == everywhere
    decide({"action": "hide", "reason": "misinformation"})
    assert visible_everywhere(client, experience_id) == nowhere
    decide({"action": "restore"})
    assert visible_everywhere(client, experience_id) == everywhere


def test_an_automatic_hide_leaves_search_at_once(app, client, auth, setup):
    experience_id = setup["id"]
    client.post(
        f"/api/v1/moderation/experiences/{experience_id}/decision",
        json={"action": "approve"},
        headers=setup["headers"],
    )
    for name in ("ash", "elm", "yew"):
        with app.app_context():
            UserFactory(username=name)
        response = client.post(
            f"/api/v1/experiences/{experience_id}/flags",
            json={"reason": "spam"},
            headers=auth.headers(name),
        )
        assert response.status_code == 201
    with app.app_context():
        assert db.session.get(Experience, experience_id).status == "hidden"
    assert not any(visible_everywhere(client, experience_id).values())

"""Finding 7: deleting an account redacts what moderators wrote about the member, and the
API asks for the password as the page does."""

import pytest
from sqlalchemy import select

from forum.experiences import discussion
from forum.extensions import db
from forum.models import Experience, Flag, ModerationAction, Reply, User
from forum.moderation import flagging, members
from forum.moderation import service as moderation
from tests.factories import TEST_PASSWORD, ExperienceFactory, UserFactory

REAL_NAME = "John Massey"


@pytest.fixture
def massy(ctx):
    """massy2, about whom the moderator oak and the member birch wrote the real name."""
    massy = UserFactory(username="massy2")
    oak = UserFactory(username="oak", role="moderator")
    birch = UserFactory(username="birch")
    story = ExperienceFactory(author=massy, title="Walking in the park every day")
    hidden = ExperienceFactory(author=massy, title="Yoga on my kitchen floor")
    reply = discussion.add_reply(massy, ExperienceFactory(author=birch).id, {"body": "Me too!"})
    moderation.decide_reply(oak, reply.id, {"action": "approve"})  # new members' replies wait
    flagging.flag_experience(birch, story.id, {"reason": "personal_info", "note": REAL_NAME})
    flagging.flag_reply(birch, reply.id, {"reason": "other", "note": f"{REAL_NAME} again"})
    moderation.decide(
        oak, hidden.id, {"action": "hide", "reason": "personal_info", "note": f"By {REAL_NAME}"}
    )
    moderation.decide_reply(
        oak, reply.id, {"action": "hide", "reason": "personal_info", "note": f"{REAL_NAME}!"}
    )
    members.suspend(
        oak,
        "massy2",
        {"days": 3, "reason": f"massy2 (Real Name: {REAL_NAME}) posted his home address"},
    )
    return massy.id


def log_rows() -> list[tuple]:
    rows = db.session.scalars(select(ModerationAction).order_by(ModerationAction.id))
    return [(r.action, r.target_type, r.target_id, r.actor_id, r.created_at) for r in rows]


def every_text_about(user_id: int) -> list[str]:
    db.session.expire_all()
    user = db.session.get(User, user_id)
    texts = [user.suspension_reason]
    texts += db.session.scalars(select(ModerationAction.note))
    texts += db.session.scalars(select(Flag.note))
    texts += db.session.scalars(select(Experience.status_reason))
    texts += db.session.scalars(select(Reply.status_reason))
    return [text for text in texts if text]


@pytest.mark.parametrize("choice", ["delete", "anonymize"])
@pytest.mark.parametrize("surface", ["api", "page"])
def test_text_about_the_member_is_redacted_and_the_log_keeps_what_happened(
    client, auth, massy, choice, surface
):
    assert any(REAL_NAME in text for text in every_text_about(massy))
    history = log_rows()
    if surface == "api":
        body = {"experiences": choice, "password": TEST_PASSWORD}
        response = client.delete("/api/v1/me", json=body, headers=auth.headers("massy2"))
        assert response.status_code == 204
    else:
        auth.login("massy2")
        body = {"experiences": choice, "password": TEST_PASSWORD}
        assert client.post("/profile/delete", data=body).status_code == 302
    assert not [text for text in every_text_about(massy) if REAL_NAME in text]
    assert log_rows() == history, "every action stays, with who and when"
    headers = auth.headers("oak")
    log = client.get("/api/v1/moderation/log", headers=headers).get_data(as_text=True)
    assert REAL_NAME not in log and "Massey" not in log


@pytest.mark.parametrize(
    "body",
    [
        {"experiences": "delete"},
        {"experiences": "delete", "password": ""},
        {"experiences": "delete", "password": "not the password"},
        {"experiences": "anonymize", "password": None},
    ],
)
def test_the_api_needs_the_password(client, auth, massy, body):
    response = client.delete("/api/v1/me", json=body, headers=auth.headers("massy2"))
    assert response.status_code in (403, 422)
    assert "password" in response.get_json()["error"]["fields"]
    db.session.expire_all()
    assert db.session.get(User, massy).deleted_at is None
    assert any(REAL_NAME in text for text in every_text_about(massy))


def test_the_service_needs_the_password_whoever_calls_it(massy):
    from forum.auth import privacy
    from forum.errors import Invalid

    user = db.session.get(User, massy)
    with pytest.raises(Invalid):
        privacy.delete_account(user, {"experiences": "delete"})
    assert user.deleted_at is None

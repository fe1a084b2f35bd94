"""The experience pages: post, see it pending, edit, delete, reply, me too, bad input."""

import re

import pytest
from sqlalchemy import select

from forum.experiences import service
from forum.extensions import db
from forum.models import Experience
from tests.factories import ExperienceFactory, UserFactory

FORM = {
    "title": "Walking after lunch",
    "body": "Ten minutes after lunch, every day. The afternoon slump got milder.",
    "exercises": ["walking"],
    "intensity": "gentle",
    "minutes_per_session": "10",
    "sessions_per_week": "7",
    "weeks_tried": "8",
    "outcome": "helped",
    "flare": "none",
    "effects.fatigue": "better",
    "effects.pain": "",
    "tags": "lunch, Afternoons",
    "onset": "sedentary",
    "condition": "",
    "symptom": "fatigue",
    "age_band": "",
}


@pytest.fixture
def maple(ctx, auth):
    user = UserFactory(username="maple", onset="sedentary", condition="fibromyalgia")
    auth.login()
    return user


def field_errors(html: str) -> dict[str, str]:
    return dict(re.findall(r'id="([\w.]+)-errors">\s*<li>(.*?)</li>', html))


def test_the_new_form_is_prefilled_from_the_profile(client, maple):
    page = client.get("/experiences/new").get_data(as_text=True)
    assert 'name="onset" value="sedentary" checked' in page
    assert 'name="condition" value="fibromyalgia" checked' in page
    assert 'type="checkbox" name="exercises" value="qigong"' in page
    assert 'name="csrf_token"' in page


def test_post_through_the_page_then_pending_and_visible_to_the_author_only(client, maple, auth):
    response = client.post("/experiences/new", data=FORM)
    assert response.status_code == 302
    detail_url = response.headers["Location"]
    page = client.get(detail_url).get_data(as_text=True)
    assert "Waiting for review since" in page
    assert (
        "Walking · gentle · 10 min × 7/week for 8 weeks → helped; no flare; fatigue better" in page
    )
    experience = db.session.scalar(select(Experience))
    assert experience.tag_names == ["afternoons", "lunch"]
    assert (experience.onset, experience.condition, experience.symptom) == (
        "sedentary",
        None,
        "fatigue",
    )
    assert "Walking after lunch" in client.get("/experiences/mine").get_data(as_text=True)
    assert "Walking after lunch" not in client.get("/experiences").get_data(as_text=True)
    auth.logout()
    assert client.get(detail_url).status_code == 404


def test_bad_input_shows_messages_beside_fields_and_keeps_what_was_typed(client, maple):
    bad = {
        **FORM,
        "title": "Walk",
        "body": "   ",
        "minutes_per_session": "ten",
        "tags": "ok, not ok!",
        "exercises": ["walking", "bogus"],
    }
    del bad["flare"]
    response = client.post("/experiences/new", data=bad)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    errors = field_errors(page)
    assert set(errors) >= {"title", "body", "minutes_per_session", "tags", "exercises", "flare"}
    assert 'name="title" type="text" value="Walk"' in page
    assert 'value="ten"' in page
    assert 'value="ok, not ok!"' in page
    assert 'name="exercises" value="walking" checked' in page
    assert 'name="effects.fatigue" value="better" checked' in page
    assert db.session.scalar(select(Experience)) is None


def test_signing_in_is_needed_to_post(client, ctx):
    response = client.get("/experiences/new")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_editing_a_published_experience_sends_it_back_to_review(client, maple):
    experience = ExperienceFactory(author=maple, exercises=("yoga",))
    url = f"/experiences/{experience.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert "goes to a moderator first" in page or "go to a moderator first" in page
    assert 'name="exercises" value="yoga" checked' in page
    form = {**FORM, "title": "Yoga, revised"}
    response = client.post(url, data=form)
    assert response.status_code == 302
    db.session.refresh(experience)
    assert experience.status == "pending"
    assert len(experience.revisions) == 1
    page = client.get(f"/experiences/{experience.id}").get_data(as_text=True)
    assert "Waiting for review since" in page


def test_an_edit_with_bad_input_keeps_the_text(client, maple):
    experience = ExperienceFactory(author=maple)
    response = client.post(f"/experiences/{experience.id}/edit", data={**FORM, "weeks_tried": "0"})
    assert response.status_code == 422
    assert "weeks_tried" in field_errors(response.get_data(as_text=True))


@pytest.mark.parametrize("status", ["rejected", "hidden"])
def test_the_author_sees_why_it_was_not_published(client, maple, status):
    experience = ExperienceFactory(author=maple, status=status, status_reason="Names a clinic")
    page = client.get(f"/experiences/{experience.id}").get_data(as_text=True)
    assert "Names a clinic" in page
    assert f"status-{status}" in page


def test_a_hidden_experience_cannot_be_edited_by_its_author(client, maple):
    experience = ExperienceFactory(author=maple, status="hidden")
    assert client.get(f"/experiences/{experience.id}/edit").status_code == 403
    assert client.post(f"/experiences/{experience.id}/edit", data=FORM).status_code == 403


def test_someone_elses_experience_cannot_be_edited_or_deleted(client, maple):
    experience = ExperienceFactory()
    assert client.get(f"/experiences/{experience.id}/edit").status_code == 403
    assert client.post(f"/experiences/{experience.id}/delete").status_code == 403
    assert "/edit" not in client.get(f"/experiences/{experience.id}").get_data(as_text=True)


def test_delete_asks_first_then_removes_it_everywhere(client, maple):
    experience = ExperienceFactory(author=maple, title="Soon to be gone")
    confirm = client.get(f"/experiences/{experience.id}/delete")
    assert confirm.status_code == 200
    assert "Yes, delete it" in confirm.get_data(as_text=True)
    assert client.post(f"/experiences/{experience.id}/delete").status_code == 302
    assert client.get(f"/experiences/{experience.id}").status_code == 404
    for url in ("/", "/experiences", "/experiences/mine"):
        assert "Soon to be gone" not in client.get(url).get_data(as_text=True)


def test_detail_shows_tags_as_filter_links_and_the_story_sanitized(client, maple):
    experience = ExperienceFactory(body="Hello <script>alert(1)</script> **world**")
    service.edit_experience(
        UserFactory(role="moderator"), experience.id, {"tags": ["pacing"]}, partial=True
    )
    page = client.get(f"/experiences/{experience.id}").get_data(as_text=True)
    assert 'href="/experiences?tag=pacing"' in page
    assert "<strong>world</strong>" in page
    assert "<script>alert" not in page


def test_me_too_toggles_on_the_page(client, maple):
    experience = ExperienceFactory()
    url = f"/experiences/{experience.id}"
    client.post(f"{url}/me-too", data={"marked": "1"})
    page = client.get(url).get_data(as_text=True)
    assert "1 member says “me too”" in page
    assert 'aria-pressed="true"' in page
    client.post(f"{url}/me-too", data={"marked": "0"})
    assert "0 members say" in client.get(url).get_data(as_text=True)


def test_replies_on_the_page(client, ctx, auth):
    UserFactory(username="maple", trusted=True)  # published at once
    auth.login()
    experience = ExperienceFactory()
    url = f"/experiences/{experience.id}"
    response = client.post(f"{url}/replies", data={"body": "   "})
    assert response.status_code == 422
    assert "body" in field_errors(response.get_data(as_text=True))
    response = client.post(f"{url}/replies", data={"body": "Same for me, *thank you*"})
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Replies (1)" in page
    assert "<em>thank you</em>" in page


def test_the_home_page_lists_recent_published_experiences(client, ctx):
    ExperienceFactory(title="Published and recent")
    ExperienceFactory(title="Still pending here", status="pending")
    page = client.get("/").get_data(as_text=True)
    assert "Published and recent" in page
    assert "Still pending here" not in page
    assert 'href="/experiences"' in page


def test_only_a_real_edit_marks_the_page_edited(client, maple):
    experience = ExperienceFactory(author=maple, status="published", version=3)
    assert "· edited" not in client.get(f"/experiences/{experience.id}").get_data(as_text=True)
    service.edit_experience(maple, experience.id, {"title": "Walking, then resting"}, partial=True)
    assert "· edited" in client.get(f"/experiences/{experience.id}").get_data(as_text=True)

"""Drafts, preview and own replies on the pages; drafts never reach a public surface."""

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import Experience, Reply
from tests.factories import ExperienceFactory, UserFactory

FORM = {
    "title": "Walking after lunch, ten minutes",
    "body": "I began with ten minutes after lunch and added a minute a week.",
    "exercises": "walking",
    "intensity": "gentle",
    "outcome": "helped",
    "flare": "none",
    "tags": "lunch, pacing",
}
SECRET = "Zanzibarian flamingo choreography"


@pytest.fixture
def maple(ctx, auth):
    user = UserFactory(username="maple")
    auth.login()
    return user


def _draft(client, **form) -> Experience:
    response = client.post("/experiences/new", data={**form, "action": "draft"})
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalars(select(Experience).order_by(Experience.id.desc())).first()


def test_save_draft_keeps_an_unfinished_story_private(client, maple):
    draft = _draft(client, title=SECRET)
    assert draft.status == "draft" and draft.body is None
    mine = client.get("/experiences/mine").get_data(as_text=True)
    assert SECRET in mine
    assert f'action="/experiences/{draft.id}/submit"' in mine
    assert f'href="/experiences/{draft.id}/delete"' in mine
    edit = client.get(f"/experiences/{draft.id}/edit").get_data(as_text=True)
    assert f'value="{SECRET}"' in edit and "Save draft" in edit and "Preview" in edit


def test_a_draft_with_wrong_values_is_refused_with_everything_kept(client, maple):
    response = client.post(
        "/experiences/new", data={**FORM, "minutes_per_session": "9999", "action": "draft"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="minutes_per_session-errors"' in page
    assert f'value="{FORM["title"]}"' in page and FORM["body"] in page
    assert 'value="lunch, pacing"' in page


def test_a_full_post_with_errors_keeps_every_field(client, maple):
    response = client.post("/experiences/new", data={**FORM, "title": "x", "weeks_tried": "12"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for typed in ('value="x"', FORM["body"], 'value="lunch, pacing"', 'value="12"'):
        assert typed in page
    assert 'value="walking" checked' in page and 'value="none" checked' in page


def test_sending_a_draft_names_what_is_missing_then_submits(client, maple):
    draft = _draft(client, title=SECRET)
    missing = client.post(f"/experiences/{draft.id}/submit")
    assert missing.status_code == 422
    assert 'id="body-errors"' in missing.get_data(as_text=True)
    finished = client.post(f"/experiences/{draft.id}/edit", data={**FORM, "title": SECRET})
    assert finished.status_code == 302
    assert db.session.get(Experience, draft.id).status == "pending"


def test_saving_an_edited_draft_keeps_it_a_draft(client, maple):
    draft = _draft(client, title=SECRET)
    saved = client.post(
        f"/experiences/{draft.id}/edit",
        data={"title": SECRET, "outcome": "helped", "action": "draft"},
    )
    assert saved.status_code == 302
    db.session.expire_all()
    assert (draft.status, draft.outcome) == ("draft", "helped")


def test_drafts_never_reach_a_public_page(app, client, maple, auth):
    draft = _draft(client, **{**FORM, "title": SECRET, "body": f"{SECRET} in the body too."})
    other = UserFactory(username="birch")
    moderator = UserFactory(username="oak", role="moderator")
    assert other and moderator
    pages = ("/", "/experiences", f"/search?q={SECRET}", "/insights", "/experiences?author=maple")
    for who in (None, "birch", "oak"):
        auth.logout()
        if who:
            auth.login(who)
        for url in pages:
            page = client.get(url).get_data(as_text=True)
            assert f'href="/experiences/{draft.id}"' not in page, (who, url)
            assert "search" in url or SECRET not in page, (who, url)  # search echoes the query
        assert client.get(f"/experiences/{draft.id}").status_code == 404
        edit = client.get(f"/experiences/{draft.id}/edit")
        assert edit.status_code == (302 if who is None else 404)  # anonymous: sign in first
    assert SECRET not in client.get("/moderation").get_data(as_text=True)
    auth.logout()
    # A kept (cached) page made before is not a way in either.
    for _ in range(2):
        assert SECRET not in client.get("/experiences").get_data(as_text=True)


def test_preview_renders_sanitized_markdown_and_saves_nothing(client, maple):
    body = "**Strong** <script>alert(1)</script> <img src=x onerror=alert(1)> [link](javascript:x)"
    response = client.post("/experiences/preview", data={**FORM, "body": body})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    preview = page[page.index('class="card preview"') : page.index("</section>")]
    assert "<strong>Strong</strong>" in preview
    assert "<script" not in preview and "<img" not in preview
    assert 'href="javascript' not in preview
    assert f'value="{FORM["title"]}"' in page  # the form keeps what was typed
    assert db.session.scalars(select(Experience)).all() == []


def test_preview_of_an_edit_stays_on_the_edit_form(client, maple):
    experience = ExperienceFactory(author=maple)
    response = client.post(
        "/experiences/preview", data={**FORM, "body": "*new*", "experience_id": experience.id}
    )
    page = response.get_data(as_text=True)
    assert "<em>new</em>" in page and f'action="/experiences/{experience.id}/edit"' in page
    other = ExperienceFactory()
    refused = client.post("/experiences/preview", data={**FORM, "experience_id": other.id})
    assert refused.status_code == 403


def test_own_reply_edit_and_delete_on_the_page(client, ctx, auth):
    UserFactory(username="maple", trusted=True)  # the reply is published at once
    auth.login()
    experience = ExperienceFactory()
    client.post(f"/experiences/{experience.id}/replies", data={"body": "First words."})
    reply = db.session.scalars(select(Reply)).one()
    page = client.get(f"/experiences/{experience.id}").get_data(as_text=True)
    assert f'href="/replies/{reply.id}/edit"' in page
    assert f'action="/replies/{reply.id}/delete"' in page
    bad = client.post(f"/replies/{reply.id}/edit", data={"body": "  "})
    assert bad.status_code == 422
    assert (
        client.post(f"/replies/{reply.id}/edit", data={"body": "Second words."}).status_code == 302
    )
    page = client.get(f"/experiences/{experience.id}").get_data(as_text=True)
    assert "Second words." in page and "edited" in page
    assert client.post(f"/replies/{reply.id}/delete").status_code == 302
    page = client.get(f"/experiences/{experience.id}").get_data(as_text=True)
    assert "Second words." not in page and "deleted by its author" not in page


def test_a_pending_reply_is_marked_for_its_author_and_in_the_queue(client, maple, auth):
    experience = ExperienceFactory()
    client.post(f"/experiences/{experience.id}/replies", data={"body": "Waiting words."})
    page = client.get(f"/experiences/{experience.id}").get_data(as_text=True)
    assert "Waiting words." in page and "awaiting review" in page
    reply = db.session.scalars(select(Reply)).one()
    client.post(f"/replies/{reply.id}/edit", data={"body": "Waiting, edited."})
    UserFactory(username="oak", role="moderator")
    auth.logout()
    assert "Waiting" not in client.get(f"/experiences/{experience.id}").get_data(as_text=True)
    auth.login("oak")
    queue = client.get("/moderation?kind=pending").get_data(as_text=True)
    assert "Waiting, edited." in queue
    assert "Waiting words." in queue  # the earlier text, for moderators
    assert f'action="/moderation/replies/{reply.id}/decision"' in queue
    client.post(f"/moderation/replies/{reply.id}/decision", data={"action": "approve"})
    auth.logout()
    assert "Waiting, edited." in client.get(f"/experiences/{experience.id}").get_data(as_text=True)

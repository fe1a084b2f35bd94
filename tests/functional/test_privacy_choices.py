"""The two choices of a story (visibility, share_profile): their profile defaults, forms, JSON,
export, OpenAPI document, and the migration that keeps every existing story public."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from forum.extensions import db
from forum.models import Experience
from tests.factories import STORY_INPUT, ExperienceFactory, UserFactory

SENTENCE = (
    "Your onset, condition, main symptom and age band are shown with this story and can be "
    "used to find it"
)
PROJECT_ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).with_name("flask"))


@pytest.fixture
def maple(ctx):
    return UserFactory(username="maple", onset="injury")


@pytest.fixture
def headers(auth, maple):
    return auth.headers("maple")


def test_the_profile_defaults_start_public_and_shared(client, headers):
    user = client.get("/api/v1/me", headers=headers).get_json()
    assert user["default_visibility"] == "public"
    assert user["default_share_profile"] is True


def test_patch_me_changes_the_defaults_and_new_stories_follow_them(client, headers):
    response = client.patch(
        "/api/v1/me",
        json={"default_visibility": "members", "default_share_profile": False},
        headers=headers,
    )
    assert response.status_code == 200, response.get_json()
    user = response.get_json()
    assert (user["default_visibility"], user["default_share_profile"]) == ("members", False)

    story = client.post("/api/v1/experiences", json=STORY_INPUT, headers=headers).get_json()
    assert (story["visibility"], story["share_profile"]) == ("members", False)
    assert story["onset"] == "injury"  # the author sees their own "about me"

    chosen = {**STORY_INPUT, "visibility": "public", "share_profile": True}
    story = client.post("/api/v1/experiences", json=chosen, headers=headers).get_json()
    assert (story["visibility"], story["share_profile"]) == ("public", True)


@pytest.mark.parametrize(
    "body",
    [
        {"default_visibility": "friends"},
        {"default_visibility": None},
        {"default_visibility": 3},
        {"default_share_profile": "perhaps"},
        {"default_share_profile": None},
        {"default_share_profile": [True]},
    ],
)
def test_patch_me_refuses_bad_defaults(client, headers, body):
    response = client.patch("/api/v1/me", json=body, headers=headers)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == set(body)


@pytest.mark.parametrize("body", [{"visibility": "secret"}, {"share_profile": "maybe"}])
def test_a_story_with_a_bad_choice_is_refused(client, headers, body):
    response = client.post("/api/v1/experiences", json={**STORY_INPUT, **body}, headers=headers)
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == set(body)


def test_the_profile_page_saves_the_defaults(client, auth, maple):
    auth.login("maple")
    page = client.get("/profile").get_data(as_text=True)
    assert 'name="default_visibility" value="public" checked' in page
    assert 'name="default_share_profile" value="true" checked' in page
    response = client.post(
        "/profile", data={"default_visibility": "members", "default_share_profile": "false"}
    )
    assert response.status_code == 302
    db.session.refresh(maple)
    assert (maple.default_visibility, maple.default_share_profile) == ("members", False)
    page = client.get("/experiences/new").get_data(as_text=True)
    assert 'name="visibility" value="members" checked' in page
    assert 'name="share_profile" value="false" checked' in page


def test_the_posting_form_states_what_is_shown_beside_the_two_choices(client, auth, maple):
    auth.login("maple")
    page = client.get("/experiences/new").get_data(as_text=True)
    assert SENTENCE in page
    assert 'name="visibility" value="public" checked' in page
    assert 'name="visibility" value="members"' in page
    assert 'name="share_profile" value="true" checked' in page
    assert page.index('name="visibility"') < page.index(SENTENCE)


def test_the_forms_post_and_edit_both_choices(client, auth, maple):
    auth.login("maple")
    form = {key: value for key, value in STORY_INPUT.items() if not isinstance(value, list | dict)}
    form.update(exercises=["qigong"], tags="mornings", visibility="members", share_profile="false")
    response = client.post("/experiences/new", data=form)
    assert response.status_code == 302
    story = db.session.scalar(db.select(Experience).order_by(Experience.id.desc()))
    assert (story.visibility, story.share_profile) == ("members", False)

    page = client.get(f"/experiences/{story.id}/edit").get_data(as_text=True)
    assert 'name="visibility" value="members" checked' in page
    assert 'name="share_profile" value="false" checked' in page
    response = client.post(f"/experiences/{story.id}/edit", data={**form, "visibility": "public"})
    assert response.status_code == 302
    db.session.refresh(story)
    assert (story.visibility, story.share_profile) == ("public", False)


def test_a_moderator_may_change_the_choices_without_a_revision(client, auth, ctx):
    story = ExperienceFactory(author=UserFactory(username="maple"))
    UserFactory(username="oak", role="moderator")
    response = client.patch(
        f"/api/v1/experiences/{story.id}",
        json={"visibility": "members"},
        headers=auth.headers("oak"),
    )
    assert response.status_code == 200
    assert response.get_json()["visibility"] == "members"
    db.session.refresh(story)
    assert story.revisions == [] and story.status == "published"


def test_the_export_holds_both_choices_and_the_defaults(client, headers, ctx, maple):
    ExperienceFactory(author=maple, visibility="members", share_profile=False)
    export = client.get("/api/v1/me/export", headers=headers).get_json()
    assert export["profile"]["default_visibility"] == "public"
    assert export["profile"]["default_share_profile"] is True
    (story,) = export["experiences"]
    assert (story["visibility"], story["share_profile"]) == ("members", False)


def test_the_openapi_document_describes_the_new_fields(client):
    schemas = client.get("/api/openapi.json").get_json()["components"]["schemas"]
    experience = schemas["Experience"]["properties"]
    assert experience["visibility"]["enum"] == ["public", "members"]
    assert experience["share_profile"]["type"] == "boolean"
    assert "visibility" in schemas["Experience"]["required"]
    assert "share_profile" not in schemas["Experience"]["required"]  # not for everyone
    own = schemas["OwnUser"]["properties"]
    assert own["default_visibility"]["enum"] == ["public", "members"]
    assert own["default_share_profile"]["type"] == "boolean"
    inputs = [
        schema["properties"]
        for name, schema in schemas.items()
        if "visibility" in schema.get("properties", {})
        and "title" in schema["properties"]
        and name.startswith("ExperienceInput")
    ]
    assert inputs and all(p["share_profile"]["type"] == "boolean" for p in inputs)
    profile_inputs = [
        schema["properties"]
        for schema in schemas.values()
        if "default_visibility" in schema.get("properties", {})
        and "email" not in schema["properties"]
    ]
    assert profile_inputs


@pytest.mark.slow
def test_the_migration_keeps_every_existing_story_public_and_shared(tmp_path):
    database = tmp_path / "old.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "FORUM_ENV": "development"}
    env["FORUM_INSTANCE_PATH"] = str(tmp_path / "instance")

    def flask_db(*args):
        result = subprocess.run(
            [FLASK, "--app", "app", "db", *args],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr

    flask_db("upgrade", "0007_main_exercise")
    with sqlite3.connect(database) as connection:
        connection.execute(
            "INSERT INTO users (id, username, username_key, role, approvals_toward_trust,"
            " session_token, is_demo, created_at) VALUES"
            " (1, 'maple', 'maple', 'member', 0, 'x', 0, '2026-01-01 00:00:00')"
        )
        connection.execute(
            "INSERT INTO experiences (id, author_id, title, body, body_html, main_exercise,"
            " intensity, outcome, flare, onset, status, me_too_count, reply_count, flag_count,"
            " version, is_demo, created_at, updated_at, submitted_at, published_at) VALUES"
            " (1, 1, 'An older story', 'Written before members-only stories existed.', '',"
            " 'walking', 'gentle', 'helped', 'none', 'injury', 'published', 0, 0, 0, 1, 0,"
            " '2026-01-01', '2026-01-01', '2026-01-01', '2026-01-01')"
        )
    flask_db("upgrade")
    with sqlite3.connect(database) as connection:
        story = connection.execute("SELECT visibility, share_profile FROM experiences").fetchall()
        user = connection.execute(
            "SELECT default_visibility, default_share_profile FROM users"
        ).fetchall()
    assert story == [("public", 1)]
    assert user == [("public", 1)]


@pytest.mark.usefixtures("counting_only")  # a handful of stories: no lattice protection
def test_members_only_and_private_stories_still_count_in_insights(client, ctx):
    stories = [
        ExperienceFactory(author=UserFactory(), onset="injury", exercises=("walking",))
        for _ in range(7)
    ]
    before = client.get("/api/v1/insights?onset=injury").get_json()
    assert "walking" in [row["exercise"] for row in before["exercises"]]
    for story in stories:
        story.visibility, story.share_profile = "members", False
    db.session.commit()
    after = client.get("/api/v1/insights?onset=injury").get_json()
    assert after == before


def test_registering_with_an_address_in_use_answers_the_same_defaults(client):
    first = {"username": "maple", "email": "maple@example.org", "password": "long enough 1"}
    second = {**first, "username": "birch"}
    answers = [client.post("/api/v1/auth/register", json=body) for body in (first, second)]
    assert [answer.status_code for answer in answers] == [201, 201]
    for answer in answers:
        user = answer.get_json()["user"]
        assert (user["default_visibility"], user["default_share_profile"]) == ("public", True)

"""The main exercise: first of `exercises`, read-only in the JSON, asked first by the form."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import Experience
from tests.factories import UserFactory
from tests.functional.test_experiences_pages import FORM
from tests.unit.test_experiences_service import VALID

PROJECT_ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).with_name("flask"))


@pytest.fixture
def maple(app, auth):
    with app.app_context():
        UserFactory(username="maple", role="moderator")
    return auth.headers("maple")


def test_the_json_names_the_first_exercise_as_main_and_follows_edits(client, maple):
    created = client.post(
        "/api/v1/experiences", json={**VALID, "exercises": ["qigong", "walking"]}, headers=maple
    ).get_json()
    assert created["main_exercise"] == "qigong"
    url = f"/api/v1/experiences/{created['id']}"
    edited = client.patch(url, json={"exercises": ["walking", "qigong"]}, headers=maple)
    assert edited.get_json()["main_exercise"] == "walking"
    assert client.get(url).get_json()["exercises"] == ["walking", "qigong"]


def test_main_exercise_cannot_be_written(client, maple):
    response = client.post(
        "/api/v1/experiences", json={**VALID, "main_exercise": "yoga"}, headers=maple
    )
    assert response.status_code == 422
    assert "main_exercise" in response.get_json()["error"]["fields"]


def test_the_form_asks_for_the_main_exercise_then_what_it_was_combined_with(client, ctx, auth):
    UserFactory(username="maple")
    auth.login()
    page = client.get("/experiences/new").get_data(as_text=True)
    assert "Which exercise is this account about?" in page
    assert "Combined with" in page
    assert 'type="radio" name="exercises" value="yoga"' in page

    # The main exercise's radio comes first; ticking it again under "combined" adds nothing.
    form = {**FORM, "exercises": ["yoga", "walking", "yoga"]}
    assert client.post("/experiences/new", data=form).status_code == 302
    experience = db.session.scalar(select(Experience))
    assert (experience.main_exercise, experience.exercises) == ("yoga", ["yoga", "walking"])


@pytest.mark.slow
def test_the_migration_keeps_every_experience_with_its_first_exercise_as_main(tmp_path):
    path = tmp_path / "old.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "FORUM_ENV": "development"}
    env["FORUM_INSTANCE_PATH"] = str(tmp_path / "instance")

    def flask_db(*args):
        result = subprocess.run(
            [FLASK, "--app", "app", "db", *args], cwd=PROJECT_ROOT, env=env,
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr

    flask_db("upgrade", "0005_content_version")
    with sqlite3.connect(path) as connection:
        for experience_id, exercises in ((1, ["tai_chi", "walking"]), (2, ["hiit"])):
            connection.execute(
                "INSERT INTO experiences (id, title, body, body_html, intensity, outcome, flare,"
                " status, me_too_count, reply_count, flag_count, version, is_demo, created_at,"
                " updated_at, submitted_at) VALUES (?, 'Old story', 'Body of an old story.',"
                " '<p>x</p>', 'gentle', 'helped', 'none', 'published', 0, 0, 0, 1, 0,"
                " '2026-01-01', '2026-01-01', '2026-01-01')",
                (experience_id,),
            )
            connection.executemany(
                "INSERT INTO experience_exercises (experience_id, exercise, position)"
                " VALUES (?, ?, ?)",
                [(experience_id, key, position) for position, key in enumerate(exercises)],
            )
    flask_db("upgrade")
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT id, main_exercise FROM experiences ORDER BY id")
        assert rows.fetchall() == [(1, "tai_chi"), (2, "hiit")]

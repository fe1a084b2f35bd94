"""Loading the demo community: counts, the seed-demo command, --if-empty, the banner."""

import re

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from forum.demo import loader
from forum.demo.generator import generate, member_count
from forum.extensions import db
from forum.models import (
    Experience,
    ExperienceExercise,
    Flag,
    MeToo,
    Reply,
    User,
    experience_tags,
)
from forum.sanitize import render_markdown
from forum.web import demo_banner as banner
from tests.factories import ExperienceFactory, UserFactory

BANNER = "Demo community:"


def count(what, *conditions) -> int:
    return db.session.scalar(select(func.count()).select_from(what).where(*conditions))


def test_the_loader_inserts_exactly_what_the_generator_made(ctx):
    generated = list(generate(90, seed=5))
    summary = loader.load(90, seed=5)

    assert summary.experiences == count(Experience) == 90
    assert summary.members == count(User, User.is_demo.is_(True)) == member_count(90)
    assert count(Experience, Experience.is_demo.is_(False)) == 0
    published = [item for item in generated if item.status == "published"]
    assert summary.published == count(Experience, Experience.status == "published")
    assert summary.published == len(published)
    assert summary.pending == count(Experience, Experience.status == "pending") > 0
    assert summary.replies == count(Reply) == sum(len(item.replies) for item in generated)
    assert summary.me_too == count(MeToo) == sum(len(item.me_too) for item in generated)
    assert count(ExperienceExercise) == sum(len(item.exercises) for item in generated)
    assert count(experience_tags) == sum(len(item.tags) for item in generated)
    reply_flags = sum(len(reply.flags) for item in generated for reply in item.replies)
    assert count(Flag) == sum(len(item.flags) for item in generated) + reply_flags
    assert summary.flagged == count(Experience, Experience.flag_count > 0) > 0


def test_loaded_rows_match_their_counters_and_rendered_html(ctx):
    loader.load(40, seed=2)
    for experience in db.session.scalars(select(Experience)):
        assert experience.me_too_count == count(MeToo, MeToo.experience_id == experience.id)
        assert experience.reply_count == count(Reply, Reply.experience_id == experience.id)
        assert experience.body_html == render_markdown(experience.body)
        assert experience.author.is_demo
        assert (experience.published_at is None) == (experience.status == "pending")


def test_new_rows_get_fresh_ids_after_a_load(ctx):
    loader.load(30, seed=3)
    user = UserFactory()
    experience = ExperienceFactory(author=user)
    assert experience.id > 30
    assert not user.is_demo and not experience.is_demo


def _password(output: str) -> str:
    return re.search(r"username demo_moderator, password (\S+)", output).group(1)


def test_seed_demo_loads_and_prints_a_moderator_who_can_sign_in(runner, client, auth, app):
    result = runner.invoke(args=["forum", "seed-demo", "--count", "50"])
    assert result.exit_code == 0, result.output
    assert "Loaded 50 demo experiences" in result.output
    assert auth.login("demo_moderator", _password(result.output)).status_code == 302
    with app.app_context():
        moderator = db.session.scalar(select(User).where(User.username == "demo_moderator"))
        assert moderator.role == "moderator" and moderator.is_demo


def test_seed_demo_if_empty_leaves_a_database_with_members_alone(runner, app):
    with app.app_context():
        UserFactory()
    result = runner.invoke(args=["forum", "seed-demo", "--if-empty", "--count", "20"])
    assert result.exit_code == 0, result.output
    assert "not empty" in result.output
    with app.app_context():
        assert count(Experience) == 0
        assert count(User) == 1


def test_seed_demo_if_empty_loads_into_an_empty_database(runner, app):
    result = runner.invoke(args=["forum", "seed-demo", "--if-empty", "--count", "20"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert count(Experience) == 20


def test_seed_demo_twice_is_refused_with_a_message(runner, app):
    assert runner.invoke(args=["forum", "seed-demo", "--count", "20"]).exit_code == 0
    result = runner.invoke(args=["forum", "seed-demo", "--count", "20"])
    assert result.exit_code == 1
    assert "already loaded" in result.output
    with app.app_context():
        assert count(Experience) == 20


def test_seed_demo_refuses_when_a_member_has_a_demo_name(runner, app):
    with app.app_context():
        UserFactory(username="demo_moderator")
    result = runner.invoke(args=["forum", "seed-demo", "--count", "20"])
    assert result.exit_code == 1
    assert "already exists" in result.output
    with app.app_context():
        assert count(Experience) == 0


def test_the_banner_shows_while_demo_data_is_present(runner, client):
    assert runner.invoke(args=["forum", "seed-demo", "--count", "20"]).exit_code == 0
    for path in ("/", "/experiences", "/login"):
        assert BANNER in client.get(path).get_data(as_text=True)


def test_no_banner_without_demo_data(client, app):
    with app.app_context():
        ExperienceFactory()
    assert BANNER not in client.get("/").get_data(as_text=True)


def test_seed_demo_builds_the_search_index_of_published_stories_only(runner, client, app):
    assert runner.invoke(args=["forum", "seed-demo", "--count", "60"]).exit_code == 0
    with app.app_context():
        published = db.session.scalars(
            select(Experience).where(Experience.status == "published").limit(3)
        ).all()
        pending = db.session.scalar(select(Experience).where(Experience.status == "pending"))
        published_ids = [experience.id for experience in published]
        titles = [experience.title for experience in published]
        pending_title, pending_id = pending.title, pending.id
    for experience_id, title in zip(published_ids, titles, strict=True):
        found = client.get("/api/v1/search", query_string={"q": f'"{title}"'}).get_json()
        assert experience_id in [item["experience"]["id"] for item in found["items"]]
    found = client.get("/api/v1/search", query_string={"q": f'"{pending_title}"'}).get_json()
    assert pending_id not in [item["experience"]["id"] for item in found["items"]]


def test_the_banner_check_survives_a_database_error(app, monkeypatch):
    def broken():
        raise OperationalError("SELECT 1", {}, Exception("database is down"))

    monkeypatch.setattr(banner, "demo_data_present", broken)
    with app.test_request_context():
        assert banner.demo_banner_visible() is False

"""Demo follow-ups and quick answers: realistic shares, and some people stop after flare-ups."""

from sqlalchemy import func, select

from forum.demo.service import seed_demo
from forum.extensions import db
from forum.models import Experience, FollowUp, QuickAnswer, Status, User


def test_seeded_community_has_follow_ups_and_quick_answers(ctx):
    seed_demo(600, seed=3)
    published = db.session.scalar(
        select(func.count()).select_from(Experience).where(Experience.status == Status.PUBLISHED)
    )
    follow_ups = db.session.scalars(select(FollowUp)).all()
    assert 0.08 * published < len(follow_ups) < 0.3 * published
    stopped = [item for item in follow_ups if not item.still_doing]
    assert stopped and all(item.stop_reason for item in stopped)
    flare_stops = [item for item in stopped if item.stop_reason == "flare_ups"]
    assert flare_stops and all(item.outcome in ("worse", "much_worse") for item in flare_stops)
    assert all(item.created_at >= item.experience.published_at for item in follow_ups)
    members = db.session.scalar(select(func.count()).select_from(User).where(User.is_demo))
    quick = db.session.scalars(select(QuickAnswer)).all()
    assert 0.5 * members < len(quick) < 2 * members
    pairs = [(answer.user_id, answer.exercise) for answer in quick]
    assert len(pairs) == len(set(pairs))


def test_insights_count_the_demo_answers_over_time(ctx, client):
    seed_demo(400, seed=5)
    body = client.get("/api/v1/insights").get_json()
    sources = [row["answers_from"] for row in body["exercises"]]
    assert sum(item["quick_answers"] for item in sources) > 0
    assert sum(item["follow_ups"] for item in sources) > 0
    assert all(row["people"] == sum(row["outcomes"].values()) for row in body["exercises"])

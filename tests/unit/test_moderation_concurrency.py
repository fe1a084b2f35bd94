"""Two moderators deciding the same experience at the same moment: one wins, one is told."""

import threading

from sqlalchemy import select

from forum.errors import Conflict
from forum.extensions import db
from forum.models import Experience, ModerationAction, User
from forum.moderation import service
from tests.factories import ExperienceFactory, UserFactory


def test_of_two_simultaneous_decisions_exactly_one_applies(app):
    with app.app_context():
        experience = ExperienceFactory(status="pending", published_at=None)
        first, second = UserFactory(role="moderator"), UserFactory(role="moderator")
        experience_id, author_id, seen = experience.id, experience.author_id, experience.version
        moderator_ids = (first.id, second.id)
    decisions = ({"action": "approve"}, {"action": "reject", "reason": "spam"})
    ready = threading.Barrier(2)
    outcomes: list[str] = []

    def moderate(moderator_id: int, decision: dict) -> None:
        # Each thread has its own app context, so its own session and connection.
        with app.app_context():
            moderator = db.session.get(User, moderator_id)
            db.session.get(Experience, experience_id)
            ready.wait()
            try:
                service.decide(moderator, experience_id, {**decision, "version": seen})
            except Conflict:
                outcomes.append("conflict")
            else:
                outcomes.append(decision["action"])
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=moderate, args=pair)
        for pair in zip(moderator_ids, decisions, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(outcomes) == 2
    assert outcomes.count("conflict") == 1
    winner = next(outcome for outcome in outcomes if outcome != "conflict")
    with app.app_context():
        rows = db.session.scalars(select(ModerationAction)).all()
        assert [row.action for row in rows] == [winner]
        experience = db.session.get(Experience, experience_id)
        assert experience.status == {"approve": "published", "reject": "rejected"}[winner]
        assert experience.version == seen + 1
        trust = db.session.get(User, author_id).approvals_toward_trust
        assert trust == (1 if winner == "approve" else 0)

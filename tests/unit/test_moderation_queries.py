"""The queue's read side: order, what each item carries, counts, and a fixed number of queries."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event

from forum import search
from forum.clock import utcnow
from forum.extensions import db
from forum.models import Reply, Revision
from forum.moderation import flagging, queries, service
from tests.factories import ExperienceFactory, UserFactory


@contextmanager
def counted_queries():
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def pending(age: timedelta, **kwargs):
    return ExperienceFactory(
        status="pending", published_at=None, submitted_at=utcnow() - age, **kwargs
    )


def test_pending_queue_is_oldest_first_and_marks_overdue_items(ctx):
    newer = pending(timedelta(hours=2))
    older = pending(timedelta(days=2))
    ExperienceFactory()  # published: not waiting
    page = queries.queue_page("pending")
    assert [entry.item.id for entry in page.items] == [older.id, newer.id]
    assert [entry.overdue for entry in page.items] == [True, False]
    assert page.total == 2


def test_flagged_queue_holds_items_with_open_flags_oldest_report_first(app):
    app.config["FLAG_HIDE_THRESHOLD"] = 2
    with app.app_context():
        first, second, calm = ExperienceFactory(), ExperienceFactory(), ExperienceFactory()
        flagging.flag_experience(UserFactory(), first.id, {"reason": "spam"})
        for reason in ("harassment", "spam"):
            flagging.flag_experience(UserFactory(), second.id, {"reason": reason})
        flagging.flag_experience(UserFactory(), first.id, {"reason": "spam", "note": "shop"})
        page = queries.queue_page("flagged", details=True)
        assert [entry.item.id for entry in page.items] == [first.id, second.id]
        assert page.items[0].flag_reasons == {"spam": 2}
        assert [flag.note for flag in page.items[0].flags] == [None, "shop"]
        assert {entry.item.status for entry in page.items} == {"hidden"}
        assert queries.waiting_counts() == {"pending": 0, "flagged": 2, "flagged_replies": 0}
        service.decide(UserFactory(role="moderator"), first.id, {"action": "restore"})
        assert queries.waiting_counts()["flagged"] == 1
        assert calm.id not in [entry.item.id for entry in queries.queue_page("flagged").items]


def test_an_item_carries_its_authors_history_revisions_and_similar_ones(ctx, monkeypatch):
    author = UserFactory(created_at=utcnow() - timedelta(days=40))
    moderator = UserFactory(role="moderator")
    for action in ("approve", "approve", "reject"):
        done = pending(timedelta(days=5), author=author)
        service.decide(moderator, done.id, {"action": action, "reason": "spam"})
    twin = ExperienceFactory(title="A published twin story")
    monkeypatch.setattr(search, "similar_experiences", lambda experience_id, limit=5: [twin.id])
    waiting = pending(timedelta(hours=1), author=author)
    db.session.add(
        Revision(
            experience_id=waiting.id,
            number=1,
            title="The first title",
            body="The first body of the story.",
            fields={"intensity": "vigorous", "exercises": ["walking"]},
            status="rejected",
        )
    )
    db.session.commit()
    (entry,) = queries.queue_page("pending", details=True).items
    history = entry.history
    assert (history.account_age_days, history.approved, history.rejected, history.hidden) == (
        40,
        2,
        1,
        0,
    )
    assert history.published == 2
    assert entry.similar == [(twin.id, "A published twin story")]
    assert [revision.title for revision in entry.item.revisions] == ["The first title"]


def waiting_item(kind: str) -> None:
    """One more item waiting in the given queue, by a new author, with a revision and flags."""
    author = UserFactory()
    if kind == "pending":
        experience = pending(timedelta(hours=1), author=author)
    else:
        experience = ExperienceFactory(author=author)
        for _ in range(2):
            flagging.flag_experience(UserFactory(), experience.id, {"reason": "spam"})
    db.session.add(
        Revision(experience_id=experience.id, number=1, title="t", body="b", fields={}, status="x")
    )
    db.session.commit()


@pytest.mark.parametrize("kind", ["pending", "flagged"])
def test_the_queue_page_costs_the_same_queries_for_one_item_or_many(ctx, monkeypatch, kind):
    # The search index answers "similar" per item; what is counted here is the SQL around it.
    monkeypatch.setattr(search, "similar_experiences", lambda experience_id, limit=5: [])

    def queries_for_page() -> tuple[int, int]:
        db.session.expunge_all()
        with counted_queries() as statements:
            page = queries.queue_page(kind, details=True)
        return len(statements), len(page.items)

    waiting_item(kind)
    one, count = queries_for_page()
    assert count == 1
    for _ in range(6):
        waiting_item(kind)
    assert queries_for_page() == (one, 7)


def test_flagged_replies_have_their_own_queue(ctx):
    experience = ExperienceFactory()
    reply = Reply(
        experience_id=experience.id, author=UserFactory(), body="Rude", body_html="<p>Rude</p>"
    )
    db.session.add(reply)
    db.session.commit()
    flagging.flag_reply(UserFactory(), reply.id, {"reason": "harassment"})
    page = queries.queue_page("flagged_replies", details=True)
    (entry,) = page.items
    assert entry.item.id == reply.id
    assert entry.experience_title == experience.title
    assert queries.waiting_counts()["flagged_replies"] == 1

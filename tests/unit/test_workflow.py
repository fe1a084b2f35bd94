"""The status workflow: the transition table, fitting decisions, the version claim, the CHECK."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from forum import workflow
from forum.errors import Conflict
from forum.extensions import db
from forum.models import Experience, Reply, Status
from forum.workflow import EXPERIENCE_TRANSITIONS, REPLY_TRANSITIONS
from tests.factories import ExperienceFactory, ReplyFactory


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", list(EXPERIENCE_TRANSITIONS))
def test_an_experience_moves_only_along_the_table(action, status):
    experience = Experience(status=status)
    allowed, result = EXPERIENCE_TRANSITIONS[action]
    if status in allowed:
        assert workflow.move(experience, action) == status
        assert experience.status == result
    else:
        with pytest.raises(Conflict):
            workflow.move(experience, action)
        assert experience.status == status


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", [*REPLY_TRANSITIONS, "approve", "reject", "resubmit"])
def test_a_reply_moves_only_along_its_own_table(action, status):
    reply = Reply(status=status)
    allowed, result = REPLY_TRANSITIONS.get(action, (frozenset(), None))
    if status in allowed:
        workflow.move(reply, action)
        assert reply.status == result
    else:
        with pytest.raises(Conflict):
            workflow.move(reply, action)


def test_nothing_leaves_deleted():
    for table in (EXPERIENCE_TRANSITIONS, REPLY_TRANSITIONS):
        assert all(Status.DELETED not in sources for sources, _ in table.values())


def test_a_new_experience_waits_for_review_unless_its_author_is_trusted():
    assert workflow.initial_status(trusted=False) == Status.PENDING
    assert workflow.initial_status(trusted=True) == Status.PUBLISHED
    assert workflow.initial_status(trusted=True, draft=True) == Status.DRAFT


@pytest.mark.parametrize(
    ("status", "flagged", "fitting"),
    [
        (Status.PENDING, False, ["approve", "reject", "hide"]),
        (Status.PUBLISHED, False, ["hide"]),
        (Status.PUBLISHED, True, ["dismiss", "hide"]),
        (Status.HIDDEN, False, ["restore"]),
        (Status.HIDDEN, True, ["restore", "hide"]),
        (Status.REJECTED, True, []),
        (Status.DELETED, True, []),
    ],
)
def test_a_decision_that_changes_nothing_fits_only_while_flags_wait(status, flagged, fitting):
    assert workflow.decisions(Experience(status=status, flag_count=int(flagged))) == fitting
    reply_fitting = [action for action in fitting if action in REPLY_TRANSITIONS]
    if status != Status.PENDING:
        assert workflow.decisions(Reply(status=status, flag_count=int(flagged))) == reply_fitting


def test_statuses_are_their_contract_strings():
    assert [str(status) for status in Status] == [
        "pending",
        "published",
        "rejected",
        "hidden",
        "deleted",
        "draft",
    ]
    assert Status.PUBLISHED == "published"


def test_a_status_read_back_is_a_status(ctx):
    experience_id = ExperienceFactory(status="hidden").id
    db.session.remove()
    assert db.session.get(Experience, experience_id).status is Status.HIDDEN


@pytest.mark.parametrize("table", ["experiences", "replies"])
def test_the_database_refuses_a_status_outside_the_list(ctx, table):
    experience = ExperienceFactory()
    reply = ReplyFactory(experience_id=experience.id)
    row_id = experience.id if table == "experiences" else reply.id
    with pytest.raises(IntegrityError):
        db.session.execute(
            text(f"UPDATE {table} SET status = 'drafted' WHERE id = :id"), {"id": row_id}
        )
        db.session.flush()
    db.session.rollback()


def test_only_the_first_of_two_writers_claims_a_version(ctx):
    experience = ExperienceFactory()
    seen = experience.version
    workflow.claim_version(experience, seen)
    db.session.commit()
    assert experience.version == seen + 1
    with pytest.raises(Conflict, match="already decided"):
        workflow.claim_version(experience, seen)

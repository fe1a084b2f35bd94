"""Every change to the published set shows in the numbers at once, through the real services."""

import pytest
from sqlalchemy import func, select

from forum.experiences import service as experiences
from forum.extensions import db
from forum.insights import service
from forum.models import Experience, SearchChange
from forum.moderation import service as moderation
from forum.moderation.flagging import flag_experience
from tests.factories import TEST_PASSWORD, ExperienceFactory, UserFactory

# The counting, with threshold-only suppression (the protection: test_insights_attacker.py).
pytestmark = pytest.mark.usefixtures("counting_only")


def walking(group: dict | None = None) -> dict | None:
    result = service.insights(group or {})
    return next((row for row in result["exercises"] if row["exercise"] == "walking"), None)


@pytest.fixture
def community(ctx):
    """Six published walking stories by six trusted authors, and a moderator."""
    authors = [UserFactory(trusted=True) for _ in range(6)]
    stories = [
        ExperienceFactory(author=author, onset="injury", exercises=("walking",), outcome="helped")
        for author in authors
    ]
    moderator = UserFactory(role="moderator")
    # Read once, so that every later answer must come from catching up, not a first build.
    assert walking()["reports"] == 6
    return authors, moderator, stories


def test_approving_counts_at_once(community):
    _, moderator, _ = community
    pending = ExperienceFactory(
        author=UserFactory(), exercises=("walking",), status="pending", published_at=None
    )
    assert walking()["reports"] == 6
    moderation.decide(moderator, pending.id, {"action": "approve"})
    assert walking()["reports"] == 7


def test_hiding_and_restoring_count_at_once(community):
    _, moderator, stories = community
    moderation.decide(moderator, stories[0].id, {"action": "hide", "reason": "spam"})
    assert walking()["reports"] == 5
    moderation.decide(moderator, stories[0].id, {"action": "restore"})
    assert walking()["reports"] == 6


def test_hiding_by_flags_counts_at_once(community, app):
    _, _, stories = community
    for _ in range(app.config["FLAG_HIDE_THRESHOLD"]):
        flag_experience(UserFactory(), stories[0].id, {"reason": "spam"})
    assert db.session.get(Experience, stories[0].id).status == "hidden"
    assert walking()["reports"] == 5


def test_rejecting_a_pending_one_changes_nothing(community):
    _, moderator, _ = community
    pending = ExperienceFactory(exercises=("walking",), status="pending", published_at=None)
    moderation.decide(moderator, pending.id, {"action": "reject", "reason": "off_topic"})
    assert walking()["reports"] == 6


def test_deleting_counts_at_once(community):
    authors, _, stories = community
    experiences.delete_experience(authors[0], stories[0].id)
    assert walking()["reports"] == 5
    # Five is still min_reports; one more deletion leaves too few to show.
    experiences.delete_experience(authors[1], stories[1].id)
    assert walking() is None


def test_editing_the_outcome_counts_at_once(community):
    authors, _, stories = community
    assert walking()["helped_share"] == 1.0
    experiences.edit_experience(authors[0], stories[0].id, {"outcome": "much_worse"}, partial=True)
    assert walking()["helped_share"] == 0.833
    assert walking()["outcomes"]["much_worse"] == 1


def test_editing_the_profile_moves_the_story_between_groups(community):
    _, moderator, stories = community
    assert walking({"onset": "injury"})["reports"] == 6
    experiences.edit_experience(moderator, stories[0].id, {"onset": "stress"}, partial=True)
    assert walking({"onset": "injury"})["reports"] == 5
    assert service.insights({"onset": "stress"})["group_size"] is None


def test_an_untrusted_authors_edit_leaves_the_numbers_until_approved_again(ctx):
    authors = [UserFactory() for _ in range(6)]
    stories = [ExperienceFactory(author=author, exercises=("walking",)) for author in authors]
    assert walking()["reports"] == 6
    experiences.edit_experience(authors[0], stories[0].id, {"outcome": "worse"}, partial=True)
    assert db.session.get(Experience, stories[0].id).status == "pending"
    assert walking()["reports"] == 5


def test_deleting_an_account_with_its_experiences_counts_at_once(community):
    privacy = pytest.importorskip("forum.auth.privacy")
    authors, _, _ = community
    privacy.delete_account(authors[0], {"experiences": "delete", "password": TEST_PASSWORD})
    assert walking()["people"] == 5
    privacy.delete_account(authors[1], {"experiences": "delete", "password": TEST_PASSWORD})
    assert walking() is None
    assert service.insights({})["group_size"] is None


def test_a_direct_change_with_its_outbox_row_counts_at_once(community):
    """What the services do, by hand: change the row and record it in the same commit."""
    _, _, stories = community
    db.session.get(Experience, stories[0].id).status = "hidden"
    db.session.add(SearchChange(experience_id=stories[0].id))
    db.session.commit()
    assert walking()["reports"] == 5


def test_a_bulk_load_announced_by_one_outbox_row_is_counted_in_full(community):
    """The demo loader writes one outbox row for all it inserts; the summary rebuilds."""
    for _ in range(4):
        ExperienceFactory(exercises=("walking",))
    newest = ExperienceFactory(exercises=("walking",))
    db.session.add(SearchChange(experience_id=newest.id))
    db.session.commit()
    assert walking()["reports"] == 11


def test_an_outbox_row_committed_after_a_newer_one_is_still_applied(community):
    """On PostgreSQL a lower id can become visible after a higher one."""
    _, _, stories = community
    newest = db.session.scalar(select(func.max(SearchChange.id))) or 0
    db.session.add(SearchChange(id=newest + 20, experience_id=stories[1].id))
    db.session.commit()
    assert walking()["reports"] == 6
    db.session.get(Experience, stories[0].id).status = "hidden"
    db.session.add(SearchChange(id=newest + 10, experience_id=stories[0].id))
    db.session.commit()
    assert walking()["reports"] == 5

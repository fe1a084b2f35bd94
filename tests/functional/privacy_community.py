"""A small community around one member (maple), built through the real services."""

from dataclasses import dataclass

from forum.experiences import discussion, own_replies, service
from forum.moderation import flagging
from forum.moderation import service as moderation
from tests.factories import ExperienceFactory, UserFactory
from tests.unit.test_experiences_service import VALID


@dataclass
class Community:
    published_id: int  # maple's, published, edited once (one revision), birch replied
    rejected_id: int  # maple's, rejected by oak with a reason
    birchs_id: int  # birch's, maple replied (then edited it) and said "me too"
    flagged_id: int  # birch's, flagged by maple
    draft_id: int  # maple's unfinished draft


def build_community() -> Community:
    """maple, birch and the moderator oak, and everything maple's export must contain."""
    maple = UserFactory(username="maple", onset="injury", age_band="40s")
    birch = UserFactory(username="birch", trusted=True)  # replies publish at once
    oak = UserFactory(username="oak", role="moderator")
    published = ExperienceFactory(author=maple, title="Tai chi twice a week helped")
    service.edit_experience(
        oak, published.id, {"title": "Tai chi twice a week helped me"}, partial=True
    )
    rejected = service.submit_experience(maple, {**VALID, "title": "Buy my miracle supplement"})
    moderation.decide(
        oak, rejected.id, {"action": "reject", "reason": "spam", "note": "No advertising."}
    )
    birchs = ExperienceFactory(author=birch, title="Swimming made my pain worse")
    flagged = ExperienceFactory(author=birch, title="Stretching before bed")
    mine = discussion.add_reply(maple, birchs.id, {"body": "Warm pools were kinder to me."})
    own_replies.edit_reply(maple, mine.id, {"body": "Warm water pools were kinder to me."})
    moderation.decide_reply(oak, mine.id, {"action": "approve"})  # a new member's reply waits
    discussion.add_reply(birch, published.id, {"body": "Which style of tai chi did you try?"})
    discussion.set_me_too(maple, birchs.id, True)
    flagging.flag_experience(maple, flagged.id, {"reason": "other", "note": "Looks copied."})
    draft = service.submit_experience(maple, {"title": "Unfinished thoughts", "draft": True})
    return Community(published.id, rejected.id, birchs.id, flagged.id, draft.id)

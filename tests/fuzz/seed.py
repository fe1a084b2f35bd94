"""A small community for the fuzzer, built through the services: members (one suspended), a
moderator and an admin, experiences in every state, replies, flags and a moderation log, all at
small ids."""

from forum.experiences import discussion, service
from forum.moderation import flagging, members
from forum.moderation import service as moderation
from tests.factories import STORY_INPUT, UserFactory

MEMBER, NEIGHBOUR, ADMIN, MODERATOR = "maple", "willow", "kestrel", "heron"
SEEDED_NAMES = (MEMBER, NEIGHBOUR, ADMIN, MODERATOR, "sorrel")
# Experiences 1-11 (11: a draft) and replies 1-5 (5: pending review) exist; 12 and 13 are
# what a run may post.
SEEDED_IDS = 13
STORY = STORY_INPUT
OUTCOMES = ("helped_a_lot", "helped", "no_change", "worse", "much_worse", "helped")


def seed_community() -> dict[str, object]:
    """Create the community in the current app context; returns the members by name."""
    profile = {"onset": "injury", "condition": "fibromyalgia", "symptom": "pain"}
    # Trusted members: what they post is published at once.
    maple = UserFactory(username=MEMBER, trusted=True, age_band="40s", **profile)
    willow = UserFactory(username=NEIGHBOUR, trusted=True, **profile)
    kestrel = UserFactory(username=ADMIN, role="admin")
    heron = UserFactory(username=MODERATOR, role="moderator")
    sorrel = UserFactory(username="sorrel", **profile)

    for author, outcomes in ((maple, OUTCOMES[:3]), (willow, OUTCOMES[3:])):  # ids 1-6
        for outcome in outcomes:
            service.submit_experience(author, {**STORY, "outcome": outcome})
    waiting = [service.submit_experience(sorrel, STORY) for _ in range(4)]  # ids 7-10
    moderation.decide(kestrel, waiting[0].id, {"action": "approve"})
    moderation.decide(kestrel, waiting[1].id, {"action": "reject", "reason": "off_topic"})
    moderation.decide(kestrel, waiting[2].id, {"action": "approve"})
    moderation.decide(heron, waiting[2].id, {"action": "hide", "reason": "spam"})

    first = discussion.add_reply(willow, 1, {"body": "Same for me, mornings work best."})
    discussion.add_reply(maple, 4, {"body": "Thank you for writing this."})
    discussion.add_reply(maple, waiting[0].id, {"body": "Did the mornings help your sleep?"})
    discussion.add_reply(willow, 5, {"body": "Walking after lunch works for me."})
    discussion.add_reply(sorrel, 1, {"body": "Mornings are hard for me."})  # pending review
    service.submit_experience(maple, {"title": "Unfinished thoughts", "draft": True})
    discussion.set_me_too(willow, 2, True)
    flagging.flag_experience(willow, 3, {"reason": "spam", "note": "Looks like an advert."})
    flagging.flag_reply(maple, first.id, {"reason": "other"})
    members.suspend(kestrel, sorrel.username, {"days": 7, "reason": "Cooling off."})
    return {"maple": maple, "willow": willow, "kestrel": kestrel, "heron": heron}

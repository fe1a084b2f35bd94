"""The status workflow: every change of an experience's or a reply's status is a row here.

A change not in the table is refused with Conflict, whoever asks. The version check that keeps
two writers from both changing one experience version also lives here, once.
"""

from sqlalchemy import update

from forum.errors import Conflict
from forum.extensions import db
from forum.models import Experience, FollowUp, Reply, Status

PENDING, PUBLISHED, REJECTED = Status.PENDING, Status.PUBLISHED, Status.REJECTED
HIDDEN, DELETED, DRAFT = Status.HIDDEN, Status.DELETED, Status.DRAFT
LIVE = frozenset({PENDING, PUBLISHED, REJECTED, HIDDEN})

# action -> (the statuses it may start from, the status it leads to)
EXPERIENCE_TRANSITIONS: dict[str, tuple[frozenset[Status], Status]] = {
    # An author's edit that needs review again (see experiences.service.edit_experience).
    "resubmit": (frozenset({PUBLISHED, REJECTED}), PENDING),
    "approve": (frozenset({PENDING}), PUBLISHED),
    "reject": (frozenset({PENDING}), REJECTED),
    "hide": (frozenset({PENDING, PUBLISHED, HIDDEN}), HIDDEN),
    "restore": (frozenset({HIDDEN}), PUBLISHED),
    "dismiss": (frozenset({PUBLISHED}), PUBLISHED),
    "auto_hide": (frozenset({PUBLISHED}), HIDDEN),
    # By the author, a moderator, or the author's account deletion.
    "delete": (LIVE | {DRAFT}, DELETED),
    # The author sends a draft on: to review, or straight out when trusted (initial_status).
    "submit": (frozenset({DRAFT}), PENDING),
    "submit_trusted": (frozenset({DRAFT}), PUBLISHED),
}
REPLY_TRANSITIONS: dict[str, tuple[frozenset[Status], Status]] = {
    # A reply from a member not yet trusted waits (REVIEW_NEW_MEMBER_REPLIES), as do their edits.
    "resubmit": (frozenset({PUBLISHED, REJECTED}), PENDING),
    "approve": (frozenset({PENDING}), PUBLISHED),
    "reject": (frozenset({PENDING}), REJECTED),
    "hide": (frozenset({PENDING, PUBLISHED, HIDDEN}), HIDDEN),
    "restore": (frozenset({HIDDEN}), PUBLISHED),
    "dismiss": (frozenset({PUBLISHED}), PUBLISHED),
    "auto_hide": (frozenset({PUBLISHED}), HIDDEN),
    "delete": (LIVE, DELETED),
}
# A follow-up is reviewed like a story; only its author or account deletion removes it.
FOLLOW_UP_TRANSITIONS: dict[str, tuple[frozenset[Status], Status]] = {
    "approve": (frozenset({PENDING}), PUBLISHED),
    "reject": (frozenset({PENDING}), REJECTED),
    "hide": (frozenset({PENDING, PUBLISHED, HIDDEN}), HIDDEN),
    "restore": (frozenset({HIDDEN}), PUBLISHED),
    "delete": (LIVE, DELETED),
}
# Moderators' decisions, in the order the forms offer them (most likely first).
DECISIONS = ("approve", "reject", "dismiss", "restore", "hide")
ALREADY_DECIDED = (
    "Another moderator already decided this, or it changed since you opened it. "
    "Look at it again in the queue."
)


def table_for(
    item: Experience | Reply | FollowUp,
) -> dict[str, tuple[frozenset[Status], Status]]:
    """The transitions that apply to this kind of item."""
    if isinstance(item, FollowUp):
        return FOLLOW_UP_TRANSITIONS
    return EXPERIENCE_TRANSITIONS if isinstance(item, Experience) else REPLY_TRANSITIONS


def initial_status(trusted: bool, *, draft: bool = False) -> Status:
    """A new experience: public at once from a trusted author, otherwise waiting for review;
    a draft stays with its author until submitted ("submit" / "submit_trusted")."""
    if draft:
        return DRAFT
    return PUBLISHED if trusted else PENDING


def sources(table: dict, action: str) -> frozenset[Status]:
    """The statuses `action` may start from."""
    return table[action][0]


def leads_to(table: dict, action: str) -> Status:
    """The status `action` leads to."""
    return table[action][1]


def target(item: Experience | Reply, action: str) -> Status:
    """The status `action` leads the item to from its current one; Conflict if not in the table."""
    allowed, result = table_for(item).get(action, (frozenset(), None))
    if item.status not in allowed:
        raise Conflict(f"That cannot be done now: the item is {item.status}. {ALREADY_DECIDED}")
    return result


def move(item: Experience | Reply, action: str) -> Status:
    """Apply `action` to the item's status; returns the status it had before."""
    previous = item.status
    item.status = target(item, action)
    return previous


def decisions(item: Experience | Reply) -> list[str]:
    """The moderator decisions that fit the item now, most likely first.

    A decision that leaves the status as it is (dismiss, or confirming an automatic hide)
    only fits while there are open flags for it to close.
    """
    fitting = []
    for action in DECISIONS:
        allowed, result = table_for(item).get(action, (frozenset(), None))
        if item.status in allowed and (result != item.status or item.flag_count > 0):
            fitting.append(action)
    return fitting


def claim_version(
    experience: Experience, seen_version: int, *, message: str = ALREADY_DECIDED
) -> None:
    """Bump the experience's version only if nobody changed the row since `seen_version`.

    The UPDATE holds the row until commit, so of two writers who read one version the
    second finds it moved and gets Conflict: a moderator's decision is never silently
    overwritten by an edit, nor decided twice.
    """
    claimed = db.session.execute(
        update(Experience)
        .where(Experience.id == experience.id, Experience.version == seen_version)
        .values(version=seen_version + 1)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise Conflict(message)
    experience.version = seen_version + 1

"""What a committed write changed, so that kept pages retire by it (forum/models/content.py).

Every write of an app session is noted as it happens, by what it wrote:

- nothing a kept page shows (the mail and search outboxes, the moderation log): nothing moves;
- one story's counts and replies (a "me too" mark, a new reply, the counts they change): the
  stories version moves, with a `StoryChange` row naming the story, and so does the
  `page_revision` of its author and of every member with a notification about it (their own
  pages show its counts); a mark also moves the order of stories by "me too";
- one member's own pages (their notifications, watches, reports and settings, a story of
  theirs that is not published before or after the write): that member's `page_revision`;
  a statement on notifications or watches that does not say whose (the watchers of a story
  told of a reply) moves every member's own pages at once instead;
- anything else moves the content version, which retires every kept page.

Unknown is everything: hand-written SQL, a bulk statement on a table a page may show, or a
model this module was not taught about moves the content version, as every write did before.
The narrow moves are proved by tests/functional/test_kept_pages_retire.py: after each kind of
narrow write, every kept page equals the page made afresh, for every reader.
"""

from dataclasses import dataclass, field

from flask_sqlalchemy.session import Session as AppSession
from sqlalchemy import TextClause, delete, event, insert, or_, select, update
from sqlalchemy import inspect as inspect_state
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.orm.util import identity_key

from forum.models.content import (
    ME_TOO_ORDER_ROW,
    MEMBERS_PAGES_ROW,
    READ_ONLY_SQL,
    STORIES_ROW,
    THE_ROW,
    ContentVersion,
    StoryChange,
)
from forum.models.discussion import MeToo, Reply
from forum.models.experience import Experience, ExperienceExercise, Revision
from forum.models.moderation import Flag
from forum.models.notification import Notification, NotificationSettings, Watch
from forum.models.status import Status
from forum.models.user import ApiToken, User

# Read by no page that is kept (moderators' pages never are).
UNSEEN_TABLES = frozenset({"mail_outbox", "search_changes", "moderation_log", "story_changes"})
# The story changes of the last STORY_CHANGES_KEPT moves are kept, pruned every PRUNE_EVERY: a
# process that has not looked for longer retires every page kept before (web/shown_stories.py).
STORY_CHANGES_KEPT, PRUNE_EVERY = 10_000, 1_000
# Shown only on their members' own pages (and in the per-request parts of others).
MEMBERS_TABLES = frozenset({"notifications", "watches"})
# Shown on no page: a member's new password hash (set again at sign-in when its cost changed).
UNSHOWN = frozenset({"password_hash"})
COUNTS = frozenset({"me_too_count", "reply_count"})
_NOTED = "forum.changes"
_MOVING = "forum.moving_versions"


@dataclass
class Changes:
    """What the writes of one transaction changed so far."""

    everything: bool = False
    stories: set[int] = field(default_factory=set)
    members: set[int] = field(default_factory=set)
    some_members: bool = False
    me_too_order: bool = False

    def story(self, story_id: int | None) -> None:
        self._add(self.stories, story_id)

    def member(self, user_id: int | None) -> None:
        self._add(self.members, user_id)

    def _add(self, ids: set[int], some_id: int | None) -> None:
        if some_id is None:  # not known before the flush: nothing narrower can be said
            self.everything = True
        else:
            ids.add(some_id)


def _noted(session: Session) -> Changes:
    return session.info.setdefault(_NOTED, Changes())


def _changed_attributes(instance) -> set[str]:
    return {attr.key for attr in inspect_state(instance).attrs if attr.history.has_changes()}


def _never_published(experience: Experience) -> bool:
    """Neither before nor after this write a published story (seen by its author alone)."""
    history = inspect_state(experience).attrs.status.history
    values = [*history.unchanged, *history.deleted, *history.added]
    return bool(values) and Status.PUBLISHED not in values


def _story_of(part, session: Session) -> Experience | None:
    """The story an exercise row or revision belongs to, if this session holds it."""
    for story in session.new:
        if isinstance(story, Experience):
            rows = (*story.__dict__.get("exercise_rows", ()), *story.__dict__.get("revisions", ()))
            if any(row is part for row in rows):
                return story
    if part.experience_id is None:
        return None
    return session.identity_map.get(identity_key(Experience, part.experience_id))


def _note_instance(changes: Changes, session: Session, instance, new: bool, deleted: bool) -> None:
    if instance.__table__.name in UNSEEN_TABLES:
        return
    match instance:
        case MeToo():
            changes.story(instance.experience_id)
            changes.me_too_order = True
        case Reply() if new:
            changes.story(instance.experience_id)
        case Notification() | Watch() | NotificationSettings() | ApiToken():
            changes.member(instance.user_id)
        case Flag() if new:
            changes.member(instance.flagger_id)
        case User() if not new and not deleted and _changed_attributes(instance) <= UNSHOWN:
            changes.member(instance.id)
        case Experience() if not deleted and _never_published(instance):
            changes.member(instance.author_id if instance.author_id else _author_id(instance))
        case Experience() if not new and not deleted and _changed_attributes(instance) <= COUNTS:
            changes.story(instance.id)
        case ExperienceExercise() | Revision():
            # Written with their story: seen where it is.
            story = _story_of(instance, session)
            if story is None or story in session.deleted:
                changes.everything = True
            else:
                _note_instance(changes, session, story, new=story in session.new, deleted=False)
        case _:
            changes.everything = True


def _author_id(experience: Experience) -> int | None:
    author = experience.__dict__.get("author")
    return author.id if author is not None else None


@event.listens_for(AppSession, "before_flush")
def _note_flush(session: Session, flush_context, instances) -> None:
    if session.info.get(_MOVING):
        return
    if not (session.new or session.dirty or session.deleted):
        return
    changes = _noted(session)
    for instance in session.new:
        _note_instance(changes, session, instance, new=True, deleted=False)
    for instance in session.dirty:
        if session.is_modified(instance):
            _note_instance(changes, session, instance, new=False, deleted=False)
    for instance in session.deleted:
        _note_instance(changes, session, instance, new=False, deleted=True)


@event.listens_for(AppSession, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    # Bulk statements (the demo loader, counters, the outboxes' claims) and hand-written SQL
    # skip the flush.
    if state.session.info.get(_MOVING):
        return
    statement = state.statement
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(statement.table, "name", None)
        if table in MEMBERS_TABLES:
            _noted(state.session).some_members = True
        elif table not in UNSEEN_TABLES:
            _noted(state.session).everything = True
    elif isinstance(statement, TextClause) and not READ_ONLY_SQL.match(statement.text):
        # Hand-written SQL: anything but a query counts (a TRUNCATE in a test, say).
        _noted(state.session).everything = True


@event.listens_for(AppSession, "before_commit")
def _move_versions(session: Session) -> None:
    if session.in_nested_transaction():
        # Releasing a savepoint fires this too. Locking rows there, before the rest of the
        # transaction's writes, would order locks differently from other writers
        # (deadlocks on PostgreSQL); the outermost commit moves them.
        return
    session.flush()
    changes = session.info.pop(_NOTED, None)
    if changes is None:
        return
    session.info[_MOVING] = True
    try:
        _move(session, changes)
    finally:
        session.info.pop(_MOVING, None)


def _move(session: Session, changes: Changes) -> None:
    if changes.everything:
        _move_row(session, THE_ROW)
        return
    members = [User.id.in_(sorted(changes.members))]
    if changes.stories:
        stories = sorted(changes.stories)
        version = _move_row(session, STORIES_ROW)
        rows = [{"version": version, "experience_id": story} for story in stories]
        session.execute(insert(StoryChange), rows)
        if version % PRUNE_EVERY == 0:
            old = StoryChange.version <= version - STORY_CHANGES_KEPT
            session.execute(delete(StoryChange).where(old))
        # Their own pages show the story's counts: its author's stories, and everyone's
        # notifications that point at it.
        authors = select(Experience.author_id).where(Experience.id.in_(stories))
        told = select(Notification.user_id).where(Notification.experience_id.in_(stories))
        members += [User.id.in_(authors), User.id.in_(told)]
    if changes.members or changes.stories:
        session.execute(
            update(User)
            .where(or_(*members))
            .values(page_revision=User.page_revision + 1)
            .execution_options(synchronize_session=False)
        )
    if changes.me_too_order:
        _move_row(session, ME_TOO_ORDER_ROW)
    if changes.some_members:
        _move_row(session, MEMBERS_PAGES_ROW)


def _move_row(session: Session, row: int) -> int:
    """Move one version by one; its new value."""
    moved = session.execute(
        update(ContentVersion)
        .where(ContentVersion.id == row)
        .values(value=ContentVersion.value + 1)
        .returning(ContentVersion.value)
    ).scalar()
    if moved is None:
        # Only when something emptied the table (tests TRUNCATE between cases).
        session.add(ContentVersion(id=row, value=1))
        session.flush()
        return 1
    return moved


@event.listens_for(AppSession, "after_transaction_end")
def _forget_rolled_back(session: Session, transaction) -> None:
    # Only the outermost transaction: a savepoint rolled back leaves the writes around it.
    if transaction.parent is None:
        session.info.pop(_NOTED, None)

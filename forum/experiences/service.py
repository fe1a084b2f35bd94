"""Experience use cases: post, edit (keeping every revision) and soft-delete."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from forum import permissions, search, unit_of_work, workflow
from forum.audit import record_action
from forum.clock import utcnow
from forum.experiences.queries import visible_experience
from forum.experiences.schemas import PRIVACY_CHOICES
from forum.extensions import db
from forum.models import Experience, ExperienceExercise, Revision, Status, Tag, User
from forum.notifications import events
from forum.sanitize import render_markdown
from forum.vocabulary import EFFECT_AREAS, PROFILE_FIELDS, detail_within

CHANGED_MEANWHILE = "This experience changed in the meantime. Reload it and try again."
SCALAR_FIELDS = (
    "title",
    "intensity",
    "minutes_per_session",
    "sessions_per_week",
    "weeks_tried",
    "outcome",
    "flare",
    *PROFILE_FIELDS,
)


def submit_experience(author: User, values: dict) -> Experience:
    """Post a new experience: published at once for trusted authors, otherwise pending review.

    Profile fields left out are copied from the author's profile as it is now, so a later
    profile change does not rewrite what was posted.
    """
    permissions.ensure_can_write(author)
    values = dict(values)  # loaded by ExperienceInputSchema; the profile fills the gaps
    draft = values.pop("draft", False)  # a draft: private, possibly unfinished (drafts.py)
    for field in PROFILE_FIELDS:
        values.setdefault(field, getattr(author, field))
    values.setdefault("visibility", author.default_visibility)
    values.setdefault("share_profile", author.default_share_profile)
    now = utcnow()
    experience = Experience(author=author, created_at=now, updated_at=now, submitted_at=now)
    _apply_privacy_choices(experience, values)
    _apply(experience, values)
    experience.status = workflow.initial_status(permissions.is_trusted(author), draft=draft)
    if experience.status == Status.PUBLISHED:
        experience.published_at = now
    db.session.add(experience)
    db.session.flush()
    events.author_watches(experience)
    if experience.status == Status.PUBLISHED:
        search.note_changed(experience.id)
    unit_of_work.commit()
    return experience


def edit_experience(
    editor: User,
    experience_id: int,
    values: dict,
    *,
    partial: bool = False,
) -> Experience:
    """Change an experience, keeping the previous state as a Revision.

    The rule that keeps unreviewed text off the site: an author who is not trusted and edits a
    published experience sends it back to review (pending); editing a rejected one resubmits it.
    Trusted authors' and moderators' edits stay published. A full form post (partial=False)
    clears the optional fields it leaves blank; a PATCH (partial=True) leaves them alone.
    """
    permissions.ensure_can_write(editor)
    experience = visible_experience(editor, experience_id)
    permissions.ensure_can_edit_experience(editor, experience)
    seen_version = experience.version
    if not partial:
        values = {**_cleared_optional_fields(), **values}
    snapshot = _snapshot(experience)
    chose_differently = _apply_privacy_choices(experience, values)
    _apply(experience, values)
    if _snapshot(experience) == snapshot:
        if not chose_differently:
            db.session.rollback()
            return visible_experience(editor, experience_id)
        # Who may read it, or whether its "about me" shows, is not a content edit: no
        # revision, no review, no trust change, no new updated_at; the lists, search and
        # kept pages follow (the commit moves the content version, the outbox the index).
        if not permissions.is_author(editor, experience):
            record_action(
                editor, "edit", "experience", experience.id, subject_id=experience.author_id
            )
        if experience.status == Status.PUBLISHED:
            search.note_changed(experience.id)
        unit_of_work.commit()
        return experience

    previous_status = experience.status
    now = utcnow()
    # A draft keeps no history: nobody but its author has read any version of it.
    if previous_status != Status.DRAFT:
        db.session.add(
            Revision(
                experience=experience,
                number=len(experience.revisions) + 1,
                editor_id=editor.id,
                title=snapshot["title"],
                body=snapshot["body"],
                fields={k: v for k, v in snapshot.items() if k not in ("title", "body")},
                status=previous_status,
                created_at=now,
            )
        )
    if _needs_review_again(editor, experience):
        workflow.move(experience, "resubmit")
        experience.submitted_at = now
        experience.status_reason = None
    experience.updated_at = now
    workflow.claim_version(experience, seen_version, message=CHANGED_MEANWHILE)
    if not permissions.is_author(editor, experience):
        record_action(editor, "edit", "experience", experience.id, subject_id=experience.author_id)
    if Status.PUBLISHED in (previous_status, experience.status) or chose_differently:
        search.note_changed(experience.id)
    unit_of_work.commit()
    return experience


def delete_experience(user: User, experience_id: int) -> None:
    """Soft delete: the row stays for the log, but it leaves every listing at once."""
    permissions.ensure_can_write(user)
    experience = visible_experience(user, experience_id)
    permissions.ensure_can_delete_experience(user, experience)
    seen_version = experience.version
    now = utcnow()
    workflow.move(experience, "delete")
    experience.deleted_at = now
    experience.updated_at = now
    workflow.claim_version(experience, seen_version, message=CHANGED_MEANWHILE)
    if not permissions.is_author(user, experience):
        record_action(user, "delete", "experience", experience.id, subject_id=experience.author_id)
    search.note_changed(experience.id)
    unit_of_work.commit()


def _needs_review_again(editor: User, experience: Experience) -> bool:
    """An author's edit of a rejected one resubmits it; of a published one, unless trusted.

    A moderator's edit never changes the review state. A moderator's decision in between
    (approving the old text, say) is caught by the version claim, so an edit cannot slip
    unreviewed text into a published experience.
    """
    if not permissions.is_author(editor, experience):
        return False
    if experience.status == Status.REJECTED:
        return True
    return experience.status == Status.PUBLISHED and not permissions.is_trusted(editor)


def _cleared_optional_fields() -> dict:
    """What a full form post means for an optional field it does not send: not set."""
    fields = ("minutes_per_session", "sessions_per_week", "weeks_tried", *PROFILE_FIELDS)
    return {**dict.fromkeys(fields), "effects": None, "tags": []}


def _apply_privacy_choices(experience: Experience, values: dict) -> bool:
    """Set visibility and share_profile as given; True when either changed."""
    changed = False
    for field in PRIVACY_CHOICES:
        if (
            field in values
            and values[field] is not None
            and getattr(experience, field) != values[field]
        ):
            setattr(experience, field, values[field])
            changed = True
    return changed


def _apply(experience: Experience, values: dict) -> None:
    for field in SCALAR_FIELDS:
        if field in values:
            setattr(experience, field, values[field])
    experience.onset_detail = detail_within(experience.onset, experience.onset_detail)
    if "body" in values:
        experience.body = values["body"]
        experience.body_html = render_markdown(values["body"])
    if "effects" in values:
        effects = values["effects"] or {}
        for area in EFFECT_AREAS:
            setattr(experience, f"effect_{area}", effects.get(area))
    if "exercises" in values and values["exercises"] != experience.exercises:
        experience.exercise_rows = [
            ExperienceExercise(exercise=key, position=position)
            for position, key in enumerate(values["exercises"])
        ]
    if "tags" in values and sorted(values["tags"] or []) != experience.tag_names:
        experience.tags = [_tag(name) for name in sorted(values["tags"] or [])]


def _snapshot(experience: Experience) -> dict:
    """The member-written state, as a Revision keeps it."""
    state = {field: getattr(experience, field) for field in SCALAR_FIELDS}
    state.update(
        body=experience.body,
        exercises=experience.exercises,
        effects=experience.effects,
        tags=experience.tag_names,
    )
    return state


def _tag(name: str) -> Tag:
    """The tag with this name, created if new; a concurrent creation is tolerated."""
    tag = db.session.scalar(select(Tag).where(Tag.name == name))
    if tag is not None:
        return tag
    try:
        with db.session.begin_nested():
            tag = Tag(name=name)
            db.session.add(tag)
    except IntegrityError:
        tag = db.session.scalar(select(Tag).where(Tag.name == name))
    return tag

"""Drafts: an experience saved unfinished, private to its author, until they submit it.

Creating and editing a draft are `service.submit_experience` (with `draft`) and
`service.edit_experience`; submitting checks it as a new story is checked and sends it on by
the same trust rule. Previewing renders Markdown with the publishing sanitizer, saving nothing.
"""

from forum import permissions, search, unit_of_work, workflow
from forum.clock import utcnow
from forum.errors import Invalid
from forum.experiences.queries import visible_experience
from forum.experiences.schemas import ExperienceInputSchema
from forum.extensions import db
from forum.models import Experience, Status, User
from forum.sanitize import render_markdown
from forum.validation import load
from forum.vocabulary import PROFILE_FIELDS

OPTIONAL = ("minutes_per_session", "sessions_per_week", "weeks_tried", *PROFILE_FIELDS)
UNFINISHED = "Finish these before sending it: {fields}."


def stored_input(experience: Experience) -> dict:
    """The draft as input to ExperienceInputSchema: what it holds, nothing for what it lacks."""
    values = {
        field: getattr(experience, field)
        for field in ("title", "body", "intensity", "outcome", "flare", *OPTIONAL)
        if getattr(experience, field) is not None
    }
    if experience.exercises:
        values["exercises"] = experience.exercises
    if experience.effects:
        values["effects"] = experience.effects
    values["tags"] = experience.tag_names
    return values


def submit_draft(author: User, experience_id: int) -> Experience:
    """Check the draft fully (Invalid names what is missing or wrong) and send it on:
    published at once for a trusted author, otherwise to the review queue."""
    permissions.ensure_can_write(author)
    experience = visible_experience(author, experience_id)
    permissions.ensure_can_submit_draft(author, experience)
    try:
        load(ExperienceInputSchema(), stored_input(experience))
    except Invalid as error:
        raise Invalid(UNFINISHED.format(fields=", ".join(error.fields)), error.fields) from None
    seen_version = experience.version
    now = utcnow()
    trusted = permissions.is_trusted(author)
    workflow.move(experience, "submit_trusted" if trusted else "submit")
    experience.submitted_at = experience.updated_at = now
    if experience.status == Status.PUBLISHED:
        experience.published_at = now
    workflow.claim_version(experience, seen_version)
    if experience.status == Status.PUBLISHED:
        search.note_changed(experience.id)
    unit_of_work.commit()
    return db.session.get(Experience, experience_id)


def preview(markdown: str) -> str:
    """The body as it would be published: the same sanitizer, nothing saved."""
    return render_markdown(markdown or "")

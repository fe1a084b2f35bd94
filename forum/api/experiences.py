"""API endpoints for experiences, their replies and "me too" marks."""

from forum import rate_limits
from forum.api.answers import (
    ExperiencePageShape,
    ExperienceShape,
    FollowUpListShape,
    FollowUpShape,
    MeTooShape,
    PreviewShape,
    QuickAnswerShape,
    ReplyPageShape,
    ReplyShape,
)
from forum.api.auth import api_user, member_optional, member_required
from forum.api.blueprint import ApiBlueprint, no_content
from forum.experiences import discussion, drafts, over_time, own_replies, queries, service
from forum.experiences.schemas import (
    ExperienceCreateSchema,
    ExperienceInputSchema,
    FollowUpInputSchema,
    PreviewInputSchema,
    QuickAnswerInputSchema,
    ReplyInputSchema,
)

bp = ApiBlueprint("api_experiences", __name__, url_prefix="/api/v1", description="experiences")


def _page(page: queries.Page) -> dict:
    return {"items": page.items, "page": page.page, "per_page": page.per_page, "total": page.total}


@bp.get("/experiences")
@member_optional
@bp.arguments(queries.ListQuerySchema, location="query")
@bp.response(200, ExperiencePageShape)
def list_experiences(filters: dict):
    """Published experiences, filtered and paged

    Members-only experiences need a token; a filter on onset, condition, symptom or age band
    does not find an experience whose author keeps that "about me" private.
    """
    page = queries.list_published(filters, api_user())
    over_time.mark_updated(page.items)
    return _page(page)


@bp.post("/experiences")
@member_required
@rate_limits.post
@bp.arguments(ExperienceCreateSchema)
@bp.response(201, ExperienceShape)
@bp.documents_errors(403)
def create_experience(values: dict):
    """Post an experience, or save a draft

    Pending review unless the author is trusted; profile fields left out are copied from the
    author's profile. With `"draft": true` it is a draft (status `draft`), seen by its author
    only, whose required fields may be missing; submit it with `POST …/submit`.
    """
    return service.submit_experience(api_user(), values)


@bp.get("/experiences/<int:experience_id>")
@member_optional
@bp.response(200, ExperienceShape)
def get_experience(experience_id: int):
    """One experience

    Published ones for anyone; the author and moderators also see the author's pending,
    rejected and hidden ones. 404 for anything else.
    """
    user = api_user()
    return over_time.with_follow_ups(user, queries.visible_experience(user, experience_id))


@bp.patch("/experiences/<int:experience_id>")
@member_required
@bp.arguments(ExperienceInputSchema(partial=True))
@bp.response(200, ExperienceShape)
@bp.documents_errors(403, 409)
def update_experience(values: dict, experience_id: int):
    """Edit an experience (the history is kept)"""
    return service.edit_experience(api_user(), experience_id, values, partial=True)


@bp.delete("/experiences/<int:experience_id>")
@member_required
@bp.response(204)
@bp.documents_errors(403, 409)
def delete_experience(experience_id: int):
    """Delete an experience"""
    service.delete_experience(api_user(), experience_id)
    return no_content()


@bp.post("/experiences/<int:experience_id>/submit")
@member_required
@bp.response(200, ExperienceShape)
@bp.documents_errors(403, 409, 422)
def submit_draft(experience_id: int):
    """Send a draft for review or publication

    Checked like a new experience (422 names what is missing or wrong); published at once
    when the author is trusted, otherwise pending review. 409 when it is not a draft.
    """
    return drafts.submit_draft(api_user(), experience_id)


@bp.post("/preview")
@member_required
@bp.arguments(PreviewInputSchema)
@bp.response(200, PreviewShape)
def preview(values: dict):
    """Render Markdown as it would be published (the same sanitizer), saving nothing"""
    return {"body_html": drafts.preview(values["body"])}


@bp.patch("/replies/<int:reply_id>")
@member_required
@bp.arguments(ReplyInputSchema)
@bp.response(200, ReplyShape)
@bp.documents_errors(403)
def edit_reply(values: dict, reply_id: int):
    """Edit one's own reply (earlier texts are kept for moderators)

    From a member not yet trusted the edit waits for review again, like a new reply.
    """
    return own_replies.edit_reply(api_user(), reply_id, values)


@bp.delete("/replies/<int:reply_id>")
@member_required
@bp.response(204)
@bp.documents_errors(403, 409)
def delete_reply(reply_id: int):
    """Delete a reply (its author, or a moderator)

    While a later published reply follows it, the thread keeps its place as
    "deleted by its author" (status `deleted`, no text, no author); otherwise it is gone.
    """
    own_replies.delete_reply(api_user(), reply_id)
    return no_content()


@bp.get("/experiences/<int:experience_id>/replies")
@member_optional
@bp.arguments(queries.PageQuerySchema, location="query")
@bp.response(200, ReplyPageShape)
def list_replies(paging: dict, experience_id: int):
    """Replies to an experience, oldest first

    Published ones; the caller's own replies awaiting review (status `pending`) or not
    approved; and a deleted reply's place (status `deleted`, no text) while a later published
    reply follows it.
    """
    user = api_user()
    experience = queries.visible_experience(user, experience_id)
    return _page(
        queries.published_replies(experience, paging["page"], paging["per_page"], viewer=user)
    )


@bp.post("/experiences/<int:experience_id>/replies")
@member_required
@rate_limits.reply
@bp.arguments(ReplyInputSchema)
@bp.response(201, ReplyShape)
@bp.documents_errors(403)
def create_reply(values: dict, experience_id: int):
    """Reply to a published experience

    `status` is `pending` (seen by its author only until a moderator approves it) when the
    author is not yet trusted and REVIEW_NEW_MEMBER_REPLIES is on; otherwise `published`.
    """
    return discussion.add_reply(api_user(), experience_id, values)


@bp.post("/experiences/<int:experience_id>/me-too")
@member_required
@bp.response(200, MeTooShape)
@bp.documents_errors(403)
def mark_me_too(experience_id: int):
    """Say "this matches my experience" (once per member)"""
    marked, count = discussion.set_me_too(api_user(), experience_id, True)
    return {"me_too": marked, "me_too_count": count}


@bp.delete("/experiences/<int:experience_id>/me-too")
@member_required
@bp.response(200, MeTooShape)
@bp.documents_errors(403)
def unmark_me_too(experience_id: int):
    """Take back a "me too\""""
    marked, count = discussion.set_me_too(api_user(), experience_id, False)
    return {"me_too": marked, "me_too_count": count}


@bp.get("/experiences/<int:experience_id>/follow-ups")
@member_optional
@bp.response(200, FollowUpListShape)
def list_follow_ups(experience_id: int):
    """Follow-ups of an experience, oldest first

    Published ones for anyone who can see the experience; its author and moderators also see
    pending ones.
    """
    return {"items": over_time.visible_follow_ups(api_user(), experience_id)}


@bp.post("/experiences/<int:experience_id>/follow-ups")
@member_required
@rate_limits.post
@bp.arguments(FollowUpInputSchema)
@bp.response(201, FollowUpShape)
@bp.documents_errors(403)
def create_follow_up(values: dict, experience_id: int):
    """Add a follow-up to one's own published experience

    `stop_reason` is required when `still_doing` is false. Published at once for trusted
    authors, otherwise pending review (the experience stays public meanwhile).
    """
    return over_time.add_follow_up(api_user(), experience_id, values)


@bp.get("/exercises/<string:exercise>/my-answer")
@member_required
@bp.response(200, QuickAnswerShape)
def get_quick_answer(exercise: str):
    """The caller's quick answer ("I tried this too") for an exercise; 404 when none"""
    return over_time.quick_answer_of(api_user(), exercise)


@bp.put("/exercises/<string:exercise>/my-answer")
@member_required
@rate_limits.quick_answer
@bp.arguments(QuickAnswerInputSchema)
@bp.response(200, QuickAnswerShape)
@bp.documents_errors(403)
def put_quick_answer(values: dict, exercise: str):
    """Answer "I tried this too" for an exercise (replaces the caller's previous answer)

    No text and no review; copied with the caller's profile answers as they are now, and
    counted in insights like a story's main exercise. An unknown exercise key is a 404.
    """
    return over_time.set_quick_answer(api_user(), exercise, values)


@bp.delete("/exercises/<string:exercise>/my-answer")
@member_required
@rate_limits.quick_answer
@bp.response(204)
@bp.documents_errors(403)
def delete_quick_answer(exercise: str):
    """Take back the caller's quick answer for an exercise; 404 when none"""
    over_time.delete_quick_answer(api_user(), exercise)
    return no_content()

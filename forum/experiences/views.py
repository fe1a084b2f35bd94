"""Experience pages: list, post, read, edit, delete, reply, "me too", and the member's own;
drafts (save, preview, submit)."""

import re

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forum import permissions, rate_limits
from forum.errors import Conflict, DomainError, Invalid
from forum.experiences import detail_parts, discussion, drafts, over_time, queries, service
from forum.experiences.presenters import summary_line
from forum.experiences.schemas import (
    ExperienceCreateSchema,
    ExperienceInputSchema,
    FollowUpInputSchema,
    QuickAnswerInputSchema,
    ReplyInputSchema,
    form_exercises,
)
from forum.http import query_args
from forum.models import Experience, Status
from forum.pagination import link_args, requested_page
from forum.sanitize import excerpt
from forum.validation import load
from forum.vocabulary import EFFECT_AREAS, PROFILE_FIELDS, share_profile_choice
from forum.web.forms import form_input
from forum.web.page_cache import kept_for_anyone, the_reader_alone

bp = Blueprint("experiences", __name__, url_prefix="/experiences")
bp.add_app_template_filter(summary_line, "summary_line")
bp.add_app_template_filter(excerpt, "story_excerpt")


def _submitted_input() -> dict:
    """The posted form as the input schema expects it; the tags box holds comma-separated tags."""
    data = form_input(ExperienceInputSchema(), blank_as_none=True)
    if "tags" in data:
        data["tags"] = [tag for text in data["tags"] for tag in text.split(",") if tag.strip()]
    if "exercises" in data:
        data["exercises"] = form_exercises(data["exercises"])
    return data


def _draft_input() -> dict:
    """The form as a draft: what is filled in; a required field left blank is just not there."""
    required = {name for name, field in ExperienceInputSchema().fields.items() if field.required}
    return {
        name: value
        for name, value in _submitted_input().items()
        if not (name in required and value in (None, []))
    }


def _saving_draft() -> bool:
    return request.form.get("action") == "draft"


def _typed_values() -> dict:
    """What the member typed, to show again beside the messages."""
    values = request.form.to_dict()
    values["exercises"] = request.form.getlist("exercises")
    return values


def _values_of(experience: Experience) -> dict:
    values = {field: getattr(experience, field) for field in ExperienceInputSchema().fields}
    values["share_profile"] = share_profile_choice(experience.share_profile)
    values.update({f"effects.{area}": value for area, value in experience.effects.items()})
    values["exercises"] = experience.exercises
    values["tags"] = ", ".join(experience.tag_names)
    return values


def _form_page(template: str, values: dict, errors: dict, **context):
    return render_template(template, values=values, errors=errors, **context), (
        422 if errors else 200
    )


def _new_form_when_limited(message: str) -> str:
    return render_template(
        "experiences/new.html", values=_typed_values(), errors={"_schema": [message]}
    )


def _reply_form_when_limited(message: str) -> str:
    experience_id = request.view_args["experience_id"]
    return _detail_page(experience_id, {"_schema": [message]}, request.form.get("body", ""))


def _follow_up_form_when_limited(message: str) -> str:
    return _detail_page(
        request.view_args["experience_id"],
        follow_up_errors={"_schema": [message]},
        follow_up_values=request.form.to_dict(),
    )


QUICK_ANSWER_PAUSED = (
    "That was a lot of answers in a short time, so this one was not saved yet. Your choice is "
    "still here: press it again in {wait}."
)
QUICK_ANSWER_MISSING = "Choose how it went, and whether it brought flare-ups."


def _back_to(value: str, exercise: str) -> str:
    """Where a quick-answer form came from: an experience page or the insights page."""
    kind, _, number = value.partition(":")
    if kind == "experience" and number.isdigit() and len(number) < 12:
        return url_for("experiences.detail", experience_id=int(number)) + "#quick-answer"
    return url_for("insights.index") + f"#exercise-{exercise if exercise.isidentifier() else ''}"


def _quick_answer_page(exercise: str, message: str) -> str:
    """The "I tried this too" form again with the choice kept and `message`: on the story it
    was sent from, else (the insights page, whose group the form does not carry) on its own."""
    over_time.known_exercise(exercise)
    typed = {name: request.form.get(name, "") for name in ("outcome", "flare")}
    kept = {"typed": typed, "message": message}
    kind, _, number = request.form.get("back_to", "").partition(":")
    if kind == "experience" and number.isdigit() and len(number) < 12:
        experience = queries.visible_experience(current_user, int(number))
        if experience.status == Status.PUBLISHED and experience.main_exercise == exercise:
            return _detail_page(experience.id, quick_answer_kept=kept)
    return render_template(
        "experiences/quick_answer.html",
        exercise=exercise,
        current=over_time.find_quick_answer(current_user, exercise),
        kept=kept,
        back_to=request.form.get("back_to", ""),
        back=_back_to(request.form.get("back_to", ""), exercise),
    )


def _quick_answer_when_limited(message: str) -> str:
    return _quick_answer_page(request.view_args["exercise"], message)


def _list_audience() -> tuple:
    return queries.audience(current_user, request.args)


def _list_order() -> int | None:
    return queries.order_version(request.args)


@bp.get("", endpoint="list")
@kept_for_anyone(also_keyed_on=_list_order, member_audience=_list_audience)
def list_experiences():
    try:
        page, errors = (
            queries.list_published(query_args(queries.ListQuerySchema()), current_user),
            {},
        )
        over_time.mark_updated(page.items)
    except DomainError as error:
        page, errors = None, error.fields
    args = link_args(queries.ListQuerySchema())
    status = 400 if errors else 200
    return render_template("experiences/list.html", page=page, args=args, errors=errors), status


@bp.get("/mine")
@login_required
@kept_for_anyone(member_audience=the_reader_alone)
def mine():
    page = queries.list_own(current_user, requested_page(queries.MAX_PAGE))
    over_time.mark_updated(page.items)
    return render_template("experiences/mine.html", page=page)


@bp.route("/new", methods=["GET", "POST"])
@login_required
@rate_limits.keeps_form(_new_form_when_limited)
@rate_limits.post
def new():
    values, errors = {"exercises": [], **current_user.profile}, {}
    values["visibility"] = current_user.default_visibility
    values["share_profile"] = share_profile_choice(current_user.default_share_profile)
    if request.method == "POST":
        values = _typed_values()
        try:
            if _saving_draft():
                loaded = load(
                    ExperienceCreateSchema(), {**_draft_input(), "draft": True}, from_form=True
                )
            else:
                loaded = load(ExperienceInputSchema(), _submitted_input(), from_form=True)
            experience = service.submit_experience(current_user, loaded)
        except Invalid as error:
            errors = error.fields or {"_schema": [error.message]}
        else:
            if experience.status == Status.DRAFT:
                flash("Draft saved. Only you can see it; it waits under “My experiences”.")
                return redirect(url_for("experiences.edit", experience_id=experience.id))
            if experience.status == Status.PUBLISHED:
                flash("Thank you: your experience is published.")
            else:
                flash("Thank you: your experience will appear once a moderator has read it.")
            return redirect(url_for("experiences.detail", experience_id=experience.id))
    return _form_page("experiences/new.html", values, errors)


@bp.get("/<int:experience_id>")
@kept_for_anyone(member_audience=detail_parts.audience, own_parts=detail_parts.OWN_PARTS)
def detail(experience_id: int):
    return _detail_page(experience_id)


def _detail_page(
    experience_id: int,
    reply_errors: dict | None = None,
    reply_body: str = "",
    follow_up_errors: dict | None = None,
    follow_up_values: dict | None = None,
    quick_answer_kept: dict | None = None,
):
    experience = queries.visible_experience(current_user, experience_id)
    replies = queries.published_replies(
        experience, requested_page(queries.MAX_PAGE), viewer=current_user
    )
    # Forms sent back with errors (replies, follow-ups, quick answers) come here undecorated.
    g.own_parts = detail_parts.OWN_PARTS
    detail_parts.keep_unsaved_quick_answer(quick_answer_kept)
    return render_template(
        "experiences/detail.html",
        experience=experience,
        follow_ups=over_time.follow_ups_seen_by(current_user, experience),
        follow_up_errors=follow_up_errors or {},
        follow_up_values=follow_up_values or {},
        replies=replies,
        reply_errors=reply_errors or {},
        reply_body=reply_body,
        effect_areas=EFFECT_AREAS,
        profile_fields=PROFILE_FIELDS,
    )


@bp.route("/<int:experience_id>/edit", methods=["GET", "POST"])
@login_required
def edit(experience_id: int):
    experience = queries.visible_experience(current_user, experience_id)
    permissions.ensure_can_edit_experience(current_user, experience)
    values, errors = _values_of(experience), {}
    if request.method == "POST":
        values = _typed_values()
        is_draft = experience.status == Status.DRAFT
        try:
            if is_draft:  # saved as typed, then sent on unless "Save draft" was pressed
                experience = service.edit_experience(
                    current_user,
                    experience_id,
                    load(ExperienceInputSchema(), _draft_input(), from_form=True, partial=True),
                )
                if not _saving_draft():
                    experience = drafts.submit_draft(current_user, experience_id)
            else:
                experience = service.edit_experience(
                    current_user,
                    experience_id,
                    load(ExperienceInputSchema(), _submitted_input(), from_form=True),
                )
        except (Invalid, Conflict) as error:
            errors = error.fields or {"_schema": [error.message]}
            experience = queries.visible_experience(current_user, experience_id)
        else:
            if experience.status == Status.DRAFT:
                flash("Draft saved. Only you can see it.")
                return redirect(url_for("experiences.edit", experience_id=experience.id))
            if is_draft and experience.status == Status.PUBLISHED:
                flash("Thank you: your experience is published.")
            elif experience.status == Status.PENDING:
                flash("Saved. Your changes will appear once a moderator has read them.")
            else:
                flash("Your changes are saved.")
            return redirect(url_for("experiences.detail", experience_id=experience.id))
    return _form_page("experiences/edit.html", values, errors, experience=experience)


@bp.post("/<int:experience_id>/submit")
@login_required
def submit(experience_id: int):
    """Send a draft on from "My experiences"; what is missing is shown on its form."""
    try:
        experience = drafts.submit_draft(current_user, experience_id)
    except Invalid as error:
        experience = queries.visible_experience(current_user, experience_id)
        return _form_page(
            "experiences/edit.html", _values_of(experience), error.fields, experience=experience
        )
    if experience.status == Status.PUBLISHED:
        flash("Thank you: your experience is published.")
    else:
        flash("Thank you: your experience will appear once a moderator has read it.")
    return redirect(url_for("experiences.detail", experience_id=experience_id))


@bp.post("/preview")
@login_required
def preview():
    """The new or edit form again, as typed, with the story as it would be published."""
    values = _typed_values()
    html = drafts.preview(request.form.get("body", ""))
    experience_id = request.form.get("experience_id", "")
    if not re.fullmatch(r"[0-9]{1,9}", experience_id):
        return _form_page("experiences/new.html", values, {}, preview=html)
    experience = queries.visible_experience(current_user, int(experience_id))
    permissions.ensure_can_edit_experience(current_user, experience)
    return _form_page("experiences/edit.html", values, {}, experience=experience, preview=html)


@bp.route("/<int:experience_id>/delete", methods=["GET", "POST"])
@login_required
def delete(experience_id: int):
    experience = queries.visible_experience(current_user, experience_id)
    permissions.ensure_can_delete_experience(current_user, experience)
    if request.method == "POST":
        service.delete_experience(current_user, experience_id)
        flash("Your experience is deleted.")
        return redirect(url_for("experiences.mine"))
    return render_template("experiences/delete.html", experience=experience)


@bp.post("/<int:experience_id>/replies")
@login_required
@rate_limits.keeps_form(_reply_form_when_limited)
@rate_limits.reply
def reply(experience_id: int):
    body = request.form.get("body", "")
    try:
        posted = discussion.add_reply(
            current_user,
            experience_id,
            load(ReplyInputSchema(), form_input(ReplyInputSchema()), from_form=True),
        )
    except Invalid as error:
        return _detail_page(experience_id, error.fields, body), 422
    if posted.status == Status.PENDING:
        flash("Thank you: your reply will appear once a moderator has read it.")
        return redirect(url_for("experiences.detail", experience_id=experience_id) + "#replies")
    flash("Your reply is posted.")
    return redirect(url_for("experiences.detail", experience_id=experience_id) + "#replies")


@bp.post("/<int:experience_id>/me-too")
@login_required
def me_too(experience_id: int):
    marked = request.form.get("marked") != "0"
    discussion.set_me_too(current_user, experience_id, marked)
    return redirect(url_for("experiences.detail", experience_id=experience_id) + "#me-too")


@bp.post("/<int:experience_id>/follow-ups")
@login_required
@rate_limits.keeps_form(_follow_up_form_when_limited)
@rate_limits.post
def follow_up(experience_id: int):
    typed = request.form.to_dict()
    try:
        over_time.add_follow_up(
            current_user,
            experience_id,
            load(FollowUpInputSchema(), form_input(FollowUpInputSchema()), from_form=True),
        )
    except Invalid as error:
        return _detail_page(
            experience_id, follow_up_errors=error.fields, follow_up_values=typed
        ), 422
    follow_ups = over_time.visible_follow_ups(current_user, experience_id)
    if follow_ups and follow_ups[-1].status == Status.PENDING:
        flash("Thank you. Your follow-up will appear once a moderator has read it.")
    else:
        flash("Your follow-up is added.")
    return redirect(url_for("experiences.detail", experience_id=experience_id) + "#follow-ups")


@bp.post("/quick-answers/<exercise>")
@login_required
@rate_limits.keeps_form(_quick_answer_when_limited, QUICK_ANSWER_PAUSED)
@rate_limits.quick_answer
def quick_answer(exercise: str):
    """ "I tried this too" from a page: give, replace or take back the answer."""
    if request.form.get("remove"):
        over_time.delete_quick_answer(current_user, exercise)
        flash("Your answer is taken back.")
    else:
        try:
            values = load(
                QuickAnswerInputSchema(), form_input(QuickAnswerInputSchema()), from_form=True
            )
        except Invalid:
            return _quick_answer_page(exercise, QUICK_ANSWER_MISSING), 422
        over_time.set_quick_answer(current_user, exercise, values)
        flash("Thank you: your answer counts in “What helped”.")
    return redirect(_back_to(request.form.get("back_to", ""), exercise))

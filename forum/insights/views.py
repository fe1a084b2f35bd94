"""Pages: /insights (one group beside everyone) and /insights/compare (two groups)."""

from typing import NamedTuple

from flask import Blueprint, g, get_template_attribute, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from forum import caching, permissions
from forum.errors import Invalid
from forum.insights import queries, service
from forum.insights.charts import swatch
from forum.insights.presenters import (
    FIELD_NAMES,
    describe_group,
    present_comparison,
    present_row,
    present_wider,
)
from forum.insights.schemas import EVERYONE, GROUP_FIELDS, VIEWS, CompareSchema, GroupSchema
from forum.validation import load
from forum.web.forms import form_input
from forum.web.page_cache import kept_for_anyone, rendered_once_per_arguments

bp = Blueprint("insights", __name__)
bp.add_app_template_global(swatch, "insight_swatch")

SIDES = ("a", "b")
# The forum's founding question, shown when someone opens the comparison without choosing.
DEFAULT_COMPARISON = {"a": "onset:sedentary", "b": "onset:injury"}


def _own_profile_group() -> dict:
    if not current_user.is_authenticated:
        return {}
    return {name: key for name, key in current_user.profile.items() if key}


def _group_chosen() -> bool:
    return any(name in request.args for name in GROUP_FIELDS)


def _index_audience() -> tuple:
    """Members who may answer and see the same group (their own, unless they chose one)."""
    own = () if _group_chosen() else tuple(sorted(_own_profile_group().items()))
    return ("signed in", permissions.can_write(current_user), own)


class _Answer(NamedTuple):
    outcome: str
    flare: str


def _quick_answer_form(exercise: str) -> Markup:
    """The reader's "I tried this too" form for one exercise, with their answer chosen."""
    if "my_answers" not in g:
        readers = caching.caches().readers
        g.my_answers = caching.remembered_for(current_user, "quick answers", _my_answers, readers)
    return _form_with_answer(exercise, g.my_answers.get(exercise))


def _my_answers() -> dict[str, _Answer]:
    # Kept as plain values: a fact kept for the reader outlives this request's session.
    answers = queries.quick_answers_of(current_user)
    return {exercise: _Answer(a.outcome, a.flare) for exercise, a in answers.items()}


@rendered_once_per_arguments
def _form_with_answer(exercise: str, answer: _Answer | None) -> Markup:
    # A row per exercise, each a form: rendered for every reader, they were half the page.
    form = get_template_attribute("experiences/_over_time.html", "quick_answer_form")
    return form(exercise, answer, "insights")


@bp.get("/insights")
@kept_for_anyone(member_audience=_index_audience, own_parts={"quick_answer": _quick_answer_form})
def index():
    # The member's own profile until they choose a group with the form (even "anyone"):
    # the narrowest group built from their answers that has enough people.
    chosen = _group_chosen()
    own = {} if chosen else _own_profile_group()
    dropped: list[str] = []
    if chosen:
        values = form_input(GroupSchema(), request.args)
    else:
        values, dropped = service.default_group(own)
    page = {"values": values, "errors": {}, "own_profile": bool(own), "dropped": dropped}
    try:
        group = load(GroupSchema(), values, from_form=True)
    except Invalid as error:
        page["errors"] = error.fields
        return render_template("insights/index.html", **page), 422
    view = request.args.get("view") if request.args.get("view") in VIEWS else "all"
    result = service.insights(group, detail=True, view=view)
    return render_template(
        "insights/index.html",
        **page,
        view=view,
        result=result,
        rows=[present_row(row, group) for row in result["exercises"]],
        described=describe_group(group),
        dropped_names=[FIELD_NAMES[name] for name in dropped],
        wider=present_wider(result["wider_groups"]),
        widen_below=service.widen_below(),
        invented=service.patterns_invented(),
    )


def _spec_from_selects(side: str) -> str:
    """The a=/b= text for the group chosen with one side's selects (a_onset, a_condition...)."""
    pairs = [
        f"{name}:{request.args[f'{side}_{name}']}"
        for name in GROUP_FIELDS
        if request.args.get(f"{side}_{name}")
    ]
    return ",".join(pairs) or EVERYONE


def _select_values(specs: dict) -> dict:
    """Pre-select the form from a=/b= text, even when part of it is wrong."""
    values = {}
    for side, spec in specs.items():
        for pair in str(spec).split(","):
            name, _, key = pair.partition(":")
            values[f"{side}_{name.strip()}"] = key.strip()
    return values


@bp.get("/insights/compare")
@kept_for_anyone()
def compare():
    if not any(side in request.args for side in SIDES):
        if any(f"{side}_{name}" in request.args for side in SIDES for name in GROUP_FIELDS):
            # Sent by the form: move to the short, shareable a=...&b=... address.
            specs = {side: _spec_from_selects(side) for side in SIDES}
            return redirect(url_for("insights.compare", **specs))
        specs = dict(DEFAULT_COMPARISON)
    else:
        specs = form_input(CompareSchema(), request.args)
    page = {"values": _select_values(specs), "errors": {}}
    try:
        groups = load(CompareSchema(), specs, from_form=True)
    except Invalid as error:
        page["errors"] = error.fields
        return render_template("insights/compare.html", **page), 422
    result = service.compare(groups["a"], groups["b"])
    return render_template(
        "insights/compare.html",
        **page,
        result=result,
        invented=service.patterns_invented(),
        rows=present_comparison(result),
        described={side: describe_group(groups[side]) for side in SIDES},
    )

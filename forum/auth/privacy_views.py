"""Pages for a member's own account: change the password, download my data, delete my account."""

import json

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from flask_login.config import COOKIE_NAME

from forum import rate_limits
from forum.auth import privacy
from forum.auth.export import export_member_data
from forum.auth.privacy_schemas import (
    EXPERIENCE_CHOICES,
    AccountDeletionSchema,
    PasswordChangeFormSchema,
)
from forum.errors import Invalid
from forum.validation import load
from forum.web.forms import form_input

bp = Blueprint("privacy", __name__, url_prefix="/profile")

CHANGE_PAUSED = (
    "That was a lot of account changes in a short time, so your password was not changed yet. "
    "Passwords are never sent back: type them again and send the form in {wait}."
)
DELETION_PAUSED = (
    "That was a lot of account changes in a short time, so nothing was deleted yet. Your "
    "choice is still here; the password is never sent back: type it again and send the form "
    "in {wait}."
)


def _password_when_limited(message: str) -> str:
    return render_template("auth/password.html", errors={"_schema": [message]})


def _deletion_page(values: dict, errors: dict) -> str:
    values.pop("password", None)
    return render_template(
        "auth/delete_account.html", values=values, errors=errors, choices=EXPERIENCE_CHOICES
    )


def _deletion_when_limited(message: str) -> str:
    return _deletion_page(form_input(AccountDeletionSchema()), {"_schema": [message]})


@bp.route("/password", methods=["GET", "POST"])
@login_required
@rate_limits.keeps_form(_password_when_limited, CHANGE_PAUSED)
@rate_limits.account_change
def password():
    errors = {}
    if request.method == "POST":
        try:
            user = privacy.change_password(
                current_user._get_current_object(),
                load(
                    PasswordChangeFormSchema(),
                    form_input(PasswordChangeFormSchema()),
                    from_form=True,
                ),
            )
        except Invalid as error:
            errors = error.fields
        else:
            # The old login id died with the session token; this browser gets the new one.
            remembered = (
                current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME) in request.cookies
            )
            login_user(user, remember=remembered)
            flash("Your password is changed. Every other device and API token is signed out.")
            return redirect(url_for("auth.profile"))
    return render_template("auth/password.html", errors=errors), 422 if errors else 200


@bp.get("/export")
@login_required
@rate_limits.account_export
def export():
    document = json.dumps(export_member_data(current_user), indent=2, ensure_ascii=False)
    filename = f"movement-notes-{current_user.username}.json"
    return Response(
        document,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/delete", methods=["GET", "POST"])
@login_required
@rate_limits.keeps_form(_deletion_when_limited, DELETION_PAUSED)
@rate_limits.account_change
def delete():
    errors, values = {}, {}
    if request.method == "POST":
        values = form_input(AccountDeletionSchema())
        try:
            privacy.delete_account(
                current_user._get_current_object(),
                load(AccountDeletionSchema(), values, from_form=True),
            )
        except Invalid as error:
            errors = error.fields
        else:
            logout_user()
            flash("Your account is deleted. Thank you for having been part of Movement Notes.")
            return redirect(url_for("web.home"))
    return _deletion_page(values, errors), 422 if errors else 200

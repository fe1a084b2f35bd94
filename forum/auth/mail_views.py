"""Pages behind the mailed links: verify an address, forgot password, set a new password."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forum import rate_limits
from forum.auth import account_mail, password_reset, service
from forum.auth.account_mail import LinkGone, LinkInvalid
from forum.auth.profile_page import profile_page
from forum.auth.schemas import (
    EmailChangeSchema,
    PasswordResetFormSchema,
    PasswordResetRequestSchema,
)
from forum.errors import DomainError, Invalid
from forum.validation import load
from forum.web.forms import form_input

bp = Blueprint("account_mail", __name__)

# Worded alike for every address, known or not: a 429 says nothing about who has an account.
RESET_PAUSED = (
    "That was a lot of requests in a short time, so no link was sent yet. The address you "
    "typed is still here: send it again in {wait}."
)
EMAIL_CHANGE_PAUSED = (
    "That was a lot of account changes in a short time, so your address was not changed yet. "
    "The new address is still here: send it again in {wait}."
)
RESEND_PAUSED = (
    "That was a lot of links in a short time, so no new one was sent yet. Try again in {wait}."
)


def _forgot_password_when_limited(message: str) -> str:
    values = form_input(PasswordResetRequestSchema())
    errors = {"_schema": [message]}
    return render_template("auth/forgot_password.html", sent=False, values=values, errors=errors)


def _typed_email() -> dict:
    return {"email": request.form.get("email", "")}


def _email_change_when_limited(message: str) -> str:
    return profile_page(email_values=_typed_email(), email_errors={"_schema": [message]})


def _resend_when_limited(message: str) -> str:
    return profile_page(verify_message=message)


def _link_problem(error: LinkInvalid | LinkGone, what: str):
    page = render_template("auth/link_problem.html", message=error.message, what=what)
    return page, error.status


@bp.get("/verify-email/<token>")
def verify_email(token: str):
    try:
        account_mail.verify_email(token)
    except (LinkInvalid, LinkGone) as error:
        return _link_problem(error, "verify")
    return render_template("auth/email_verified.html")


@bp.post("/profile/verify-email")
@login_required
@rate_limits.keeps_form(_resend_when_limited, RESEND_PAUSED)
@rate_limits.verify_email
def resend_verification():
    user = current_user._get_current_object()
    if account_mail.resend_verification(user):
        flash("We sent a new link to your address. It works for seven days.")
    else:
        flash("Your e-mail address is already verified.")
    return redirect(url_for("auth.profile"))


@bp.post("/profile/email")
@login_required
@rate_limits.keeps_form(_email_change_when_limited, EMAIL_CHANGE_PAUSED)
@rate_limits.account_change
def change_email():
    user = current_user._get_current_object()
    schema = EmailChangeSchema()
    try:
        service.change_email(user, load(schema, form_input(schema), from_form=True)["email"])
    except DomainError as error:
        errors = error.fields or {"email": [error.message]}
        return profile_page(email_values=_typed_email(), email_errors=errors), error.status
    flash("We sent a link to your new address: open it to confirm it.")
    return redirect(url_for("auth.profile"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@rate_limits.keeps_form(_forgot_password_when_limited, RESET_PAUSED)
@rate_limits.password_reset
@rate_limits.password_reset_per_account
def forgot_password():
    values, errors = {}, {}
    if request.method == "POST":
        values = form_input(PasswordResetRequestSchema())
        try:
            request_values = load(PasswordResetRequestSchema(), values, from_form=True)
        except Invalid as error:
            errors = error.fields
        else:
            password_reset.request_password_reset(request_values["email"])
            return render_template("auth/forgot_password.html", sent=True, values={}, errors={})
    page = render_template("auth/forgot_password.html", sent=False, values=values, errors=errors)
    return page, 422 if errors else 200


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        password_reset.check_reset_link(token)
    except (LinkInvalid, LinkGone) as error:
        return _link_problem(error, "reset")
    errors = {}
    if request.method == "POST":
        try:
            values = load(
                PasswordResetFormSchema(), form_input(PasswordResetFormSchema()), from_form=True
            )
            password_reset.reset_password(token, values["password"])
        except Invalid as error:
            errors = error.fields
        except (LinkInvalid, LinkGone) as error:
            return _link_problem(error, "reset")
        else:
            flash("Your password is changed, and every device is signed out. Sign in with it.")
            return redirect(url_for("auth.login"))
    page = render_template("auth/reset_password.html", token=token, errors=errors)
    return page, 422 if errors else 200

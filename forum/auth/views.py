"""Pages for registering, signing in and out, and the member's own profile."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forum import rate_limits
from forum.auth import service
from forum.auth.profile_page import profile_page, saved_profile
from forum.auth.schemas import LoginFormSchema, ProfileSchema, RegistrationSchema
from forum.auth.session import sign_in, sign_out
from forum.errors import DomainError, Invalid
from forum.validation import load
from forum.web.forms import form_input, is_safe_next

bp = Blueprint("auth", __name__)

SIGN_IN_FAILED = "That username and password do not match an account."
TRIES_PAUSED = (
    "That was a lot of tries in a short time, so this was not sent yet. Everything you typed "
    "is still here except the password, which is never sent back: type it again and send the "
    "form in {wait}."
)


def _register_when_limited(message: str) -> str:
    values = form_input(RegistrationSchema())
    values.pop("password", None)
    return render_template("auth/register.html", values=values, errors={"_schema": [message]})


def _login_when_limited(message: str) -> str:
    values = form_input(LoginFormSchema())
    values.pop("password", None)
    target = request.values.get("next")
    return render_template(
        "auth/login.html",
        values=values,
        errors={"_schema": [message]},
        next=target if is_safe_next(target) else None,
    )


@bp.route("/register", methods=["GET", "POST"])
@rate_limits.keeps_form(_register_when_limited, TRIES_PAUSED)
@rate_limits.register
def register():
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    values, errors = {}, {}
    if request.method == "POST":
        values = form_input(RegistrationSchema())
        try:
            user = service.register_member(load(RegistrationSchema(), values, from_form=True))
        except DomainError as error:
            errors = error.fields or {"_schema": [error.message]}
        else:
            # An address in use gets a stand-in with nothing to sign in to, and otherwise
            # the very same answer, so the page never tells whose address it is.
            if service.is_saved(user):
                sign_in(user)
            flash("Welcome! Tell us a little about yourself so you can find people like you.")
            return redirect(url_for("auth.profile"))
    values.pop("password", None)
    status = 422 if errors else 200
    return render_template("auth/register.html", values=values, errors=errors), status


@bp.route("/login", methods=["GET", "POST"])
@rate_limits.keeps_form(_login_when_limited, TRIES_PAUSED)
@rate_limits.sign_in
@rate_limits.sign_in_failures
def login():
    target = request.values.get("next")
    if not is_safe_next(target):
        target = None
    if current_user.is_authenticated:
        return redirect(target or url_for("web.home"))
    values, errors = {}, {}
    if request.method == "POST":
        values = form_input(LoginFormSchema())
        try:
            credentials = load(LoginFormSchema(), values, from_form=True)
        except Invalid as error:
            errors = error.fields
        else:
            user = service.authenticate(credentials["username"], credentials["password"])
            if user is not None:
                sign_in(user, remember=credentials["remember"])
                flash(f"Signed in as {user.username}.")
                return redirect(target or url_for("web.home"))
            errors = {"_schema": [SIGN_IN_FAILED]}
    values.pop("password", None)
    status = 401 if errors.get("_schema") == [SIGN_IN_FAILED] else (422 if errors else 200)
    return render_template("auth/login.html", values=values, errors=errors, next=target), status


@bp.post("/logout")
def logout():
    sign_out(current_user._get_current_object())
    flash("You are signed out.")
    return redirect(url_for("web.home"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    errors, values = {}, saved_profile()
    if request.method == "POST":
        values = form_input(ProfileSchema(), blank_as_none=True)
        try:
            service.update_profile(
                current_user, load(ProfileSchema(), values, from_form=True, partial=True)
            )
        except DomainError as error:
            errors = error.fields
        else:
            flash("Your profile is saved.")
            return redirect(url_for("auth.profile"))
    return profile_page(values, errors), 422 if errors else 200

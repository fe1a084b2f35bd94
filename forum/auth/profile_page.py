"""The member's profile page, drawn by its own form and by the forms it holds (e-mail change,
verification link), so each can send the page back with what was typed and a message."""

from flask import render_template
from flask_login import current_user

from forum.vocabulary import share_profile_choice


def saved_profile() -> dict:
    """The profile form's values as saved."""
    return {
        **current_user.profile,
        "default_visibility": current_user.default_visibility,
        "default_share_profile": share_profile_choice(current_user.default_share_profile),
    }


def profile_page(
    values: dict | None = None,
    errors: dict | None = None,
    *,
    email_values: dict | None = None,
    email_errors: dict | None = None,
    verify_message: str = "",
) -> str:
    """The profile page; each form shows its own values and messages."""
    return render_template(
        "auth/profile.html",
        values=saved_profile() if values is None else values,
        errors=errors or {},
        email_values=email_values or {},
        email_errors=email_errors or {},
        verify_message=verify_message,
    )

"""Forgot password: ask for a link by address, then set a new password with it.

A request does the same work whether or not the address belongs to a member (look it up,
sign a link, render the mail, commit), so neither the answer nor its timing tells; only a
member's request adds the outbox row. Using the link sets the password through the same
step as a password change (every session and token ends) and proves the address, so an
unverified one becomes verified.
"""

from forum import mail, unit_of_work
from forum.auth import account_mail, privacy
from forum.clock import utcnow
from forum.models import User


def request_password_reset(email: str) -> None:
    """Mail a reset link if a member uses `email`; the same work and no answer otherwise."""
    user = account_mail.active_member_with_address(email)
    # A stand-in for unknown addresses: never added to the session, never mailed.
    target = user or User(id=0, email=email, password_hash="", session_token="-")  # noqa: S106
    subject, text, html = account_mail.reset_message(target)
    if user is not None:
        mail.queue_message(user, kind="password_reset", subject=subject, text=text, html=html)
    unit_of_work.commit()


def check_reset_link(token: str) -> User:
    """The member the link resets (raises LinkInvalid 400 or LinkGone 410)."""
    return account_mail.member_for_reset(token)


def reset_password(token: str, password: str) -> User:
    """Set the new password with a valid link; the link is spent by it."""
    user = account_mail.member_for_reset(token)
    privacy.set_password(user, password)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    unit_of_work.commit()
    return user

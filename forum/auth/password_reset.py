"""Forgot password: ask for a link by address, then set a new password with it.

Nothing about the request may tell whether the address belongs to a member: not the answer
and not its timing. So the request does one thing whatever the address: it asks for
`send_reset_link` to run after its (empty) commit, off the request, the way mail delivery
runs (an RQ job, the web process's mail thread, inline in tests). Looking the address up,
writing the outbox row and the commit that writes it happen there; even there the same work
is done for an unknown address (sign a link, render the mail), short of the row. Were the
process to die between the answer and the task, no link is sent and the member asks again.
Using the link sets the password through the same step as a password change (every session
and token ends) and proves the address, so an unverified one becomes verified.
"""

from forum import mail, unit_of_work
from forum.auth import account_mail, privacy
from forum.clock import utcnow
from forum.extensions import db
from forum.models import User


def request_password_reset(email: str) -> None:
    """Ask for a reset link to `email`; the same work whether or not a member uses it."""
    mail.after_commit(send_reset_link, email=email)
    unit_of_work.commit()


def send_reset_link(email: str) -> None:
    """The after-commit task: mail a reset link if a member uses `email`."""
    user = account_mail.active_member_with_address(email)
    # A stand-in for unknown addresses: never added to the session, never mailed.
    target = user or User(id=0, email=email, password_hash="", session_token="-")  # noqa: S106
    subject, text, html = account_mail.reset_message(target)
    if user is not None:
        mail.queue_message(user, kind="password_reset", subject=subject, text=text, html=html)
    db.session.commit()


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

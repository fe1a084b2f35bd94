"""API endpoints behind account mail: resend verification, ask for and use a reset link."""

from marshmallow import fields

from forum import rate_limits
from forum.api.answers import Answer
from forum.api.auth import api_user, member_required
from forum.api.blueprint import ApiBlueprint
from forum.auth import account_mail, password_reset
from forum.auth.schemas import PasswordResetRequestSchema, PasswordResetSchema

bp = ApiBlueprint("api_account_mail", __name__, url_prefix="/api/v1", description="account mail")

RESET_REQUESTED = (
    "If an account uses that address, a link to choose a new password was sent to it."
    " The link works for one hour."
)


class MessageShape(Answer):
    message = fields.String()


class VerificationShape(Answer):
    sent = fields.Boolean(metadata={"description": "false when the address is already verified"})
    email_verified = fields.Boolean()


@bp.post("/me/verify-email")
@member_required
@rate_limits.verify_email
@bp.response(202, VerificationShape)
def resend_verification():
    """Mail a new verification link to the caller's address (nothing when it is verified)"""
    user = api_user()
    sent = account_mail.resend_verification(user)
    return {"sent": sent, "email_verified": user.email_verified_at is not None}


@bp.post("/auth/password-reset")
@rate_limits.password_reset
@rate_limits.password_reset_per_account
@bp.arguments(PasswordResetRequestSchema)
@bp.response(202, MessageShape)
def request_password_reset(values: dict):
    """Ask for a password-reset link; the same answer whether or not the address is known"""
    password_reset.request_password_reset(values["email"])
    return {"message": RESET_REQUESTED}


@bp.post("/auth/password-reset/confirm")
@bp.arguments(PasswordResetSchema)
@bp.response(200, MessageShape)
@bp.documents_errors(400, 410)
def confirm_password_reset(values: dict):
    """Set a new password with a reset link's token; every session and token ends"""
    password_reset.reset_password(values["token"], values["password"])
    return {"message": "Your password is changed. Sign in with it."}

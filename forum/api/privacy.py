"""API endpoints for the caller's own data: export it, change the password, delete the account."""

from flask import jsonify

from forum import rate_limits
from forum.api.auth import api_user, member_required
from forum.api.blueprint import ApiBlueprint, no_content
from forum.api.report_answers import ExportShape
from forum.auth import privacy
from forum.auth.export import export_member_data
from forum.auth.privacy_schemas import AccountDeletionSchema, PasswordChangeSchema

bp = ApiBlueprint("api_privacy", __name__, url_prefix="/api/v1", description="privacy")


@bp.get("/me/export")
@member_required
@rate_limits.account_export
@bp.response(200, ExportShape)
def export():
    """All of the caller's data"""
    # Already plain JSON (the same export the page offers as a file): sent as it is.
    return jsonify(export_member_data(api_user()))


@bp.post("/me/password")
@member_required
@rate_limits.account_change
@bp.arguments(PasswordChangeSchema)
@bp.response(204)
def change_password(values: dict):
    """Change the password; every token is revoked

    Every token, this one included, is revoked: ask for a new one with the new password.
    """
    privacy.change_password(api_user(), values)
    return no_content()


@bp.delete("/me")
@member_required
@rate_limits.account_change
@bp.arguments(AccountDeletionSchema, required=False)
@bp.response(204)
def delete_account(values: dict):
    """Delete the caller's account

    The body says what becomes of the member's experiences and replies; without one the
    answer is 422.
    """
    privacy.delete_account(api_user(), values)
    return no_content()

"""API endpoints for the caller's own data: export it, change the password, delete the account."""

from flask import Blueprint, jsonify

from forum.api.auth import api_user, member_required
from forum.api.request import json_body
from forum.auth import privacy
from forum.auth.export import export_member_data

bp = Blueprint("api_privacy", __name__, url_prefix="/api/v1")


@bp.get("/me/export")
@member_required
def export():
    return jsonify(export_member_data(api_user()))


@bp.post("/me/password")
@member_required
def change_password():
    """204; every token, this one included, is revoked: ask for a new one with the new password."""
    privacy.change_password(api_user(), json_body())
    return "", 204


@bp.delete("/me")
@member_required
def delete_account():
    # No body at all is a missing choice (422), like an empty object.
    privacy.delete_account(api_user(), json_body(optional=True))
    return "", 204

"""API endpoints for accounts, tokens, the caller's profile and the vocabulary."""

from flask import Blueprint, jsonify

from forum.api.auth import api_token, api_user, member_required
from forum.api.request import json_body
from forum.auth import service
from forum.auth.schemas import CredentialsSchema, OwnUserSchema
from forum.clock import isoformat
from forum.errors import Unauthorized
from forum.validation import load
from forum.vocabulary import OUTCOME_SCORE, TAXONOMY

bp = Blueprint("api_accounts", __name__, url_prefix="/api/v1")


@bp.post("/auth/register")
def register():
    user = service.register_member(json_body())
    return jsonify(user=OwnUserSchema().dump(user)), 201


@bp.post("/auth/tokens")
def create_token():
    credentials = load(CredentialsSchema(), json_body())
    user = service.authenticate(credentials["username"], credentials["password"])
    if user is None:
        raise Unauthorized("That username and password do not match an account.")
    token, expires_at = service.issue_token(user)
    return jsonify(token=token, expires_at=isoformat(expires_at)), 201


@bp.delete("/auth/tokens/current")
@member_required
def revoke_current_token():
    service.revoke_token(api_token())
    return "", 204


@bp.get("/me")
@member_required
def me():
    return jsonify(OwnUserSchema().dump(api_user()))


@bp.patch("/me")
@member_required
def update_me():
    user = service.update_profile(api_user(), json_body())
    return jsonify(OwnUserSchema().dump(user))


@bp.get("/taxonomy")
def taxonomy():
    lists = {
        name: [{"key": key, "label": label} for key, label in vocabulary.items()]
        for name, vocabulary in TAXONOMY.items()
    }
    for item in lists["outcome"]:
        item["score"] = OUTCOME_SCORE[item["key"]]
    return jsonify(lists)

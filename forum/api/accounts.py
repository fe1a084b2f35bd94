"""API endpoints for accounts, tokens, the caller's profile and the vocabulary."""

from forum import rate_limits
from forum.api.answers import OwnUserShape, TaxonomyShape, TokenShape, UserEnvelopeShape
from forum.api.auth import api_token, api_user, member_required
from forum.api.blueprint import ApiBlueprint, no_content
from forum.auth import service
from forum.auth.schemas import CredentialsSchema, ProfileSchema, RegistrationSchema
from forum.clock import isoformat
from forum.errors import Unauthorized
from forum.vocabulary import ONSET_FAMILY, OUTCOME_SCORE, TAXONOMY

bp = ApiBlueprint("api_accounts", __name__, url_prefix="/api/v1", description="accounts")


@bp.post("/auth/register")
@rate_limits.register
@bp.arguments(RegistrationSchema)
@bp.response(201, UserEnvelopeShape)
@bp.documents_errors(409)
def register(values: dict):
    """Create a member account"""
    return {"user": service.register_member(values)}


@bp.post("/auth/tokens")
@rate_limits.tokens
@rate_limits.sign_in_failures
@bp.arguments(CredentialsSchema)
@bp.response(201, TokenShape)
@bp.documents_errors(401)
def create_token(credentials: dict):
    """Get a bearer token for a username and password"""
    user = service.authenticate(credentials["username"], credentials["password"])
    if user is None:
        raise Unauthorized("That username and password do not match an account.")
    token, expires_at = service.issue_token(user)
    return {"token": token, "expires_at": isoformat(expires_at)}


@bp.delete("/auth/tokens/current")
@member_required
@bp.response(204)
def revoke_current_token():
    """Revoke the token this request uses"""
    service.revoke_token(api_token())
    return no_content()


@bp.get("/me")
@member_required
@bp.response(200, OwnUserShape)
def me():
    """The caller's own profile"""
    return api_user()


@bp.patch("/me")
@member_required
@bp.arguments(ProfileSchema(partial=True))
@bp.response(200, OwnUserShape)
def update_me(values: dict):
    """Change the caller's profile (null clears a field)"""
    return service.update_profile(api_user(), values)


@bp.get("/taxonomy")
@bp.response(200, TaxonomyShape)
def taxonomy():
    """Every vocabulary list, with keys and labels"""
    lists = {
        name: [{"key": key, "label": label} for key, label in vocabulary.items()]
        for name, vocabulary in TAXONOMY.items()
    }
    for item in lists["outcome"]:
        item["score"] = OUTCOME_SCORE[item["key"]]
    for item in lists["onset_detail"]:
        item["onset"] = ONSET_FAMILY[item["key"]]
    return lists

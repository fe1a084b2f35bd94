"""The JSON API under /api/v1: one blueprint per feature, none of them taking CSRF tokens."""

from flask import Flask
from flask import request as current_request

from forum.api.accounts import bp as accounts_bp
from forum.api.experiences import bp as experiences_bp
from forum.api.insights import bp as insights_bp
from forum.api.moderation import bp as moderation_bp
from forum.api.openapi import bp as openapi_bp
from forum.api.privacy import bp as privacy_bp
from forum.api.request import refuse_bodies_that_are_not_json
from forum.api.search import bp as search_bp
from forum.extensions import csrf

API_BLUEPRINTS = (
    accounts_bp,
    experiences_bp,
    insights_bp,
    moderation_bp,
    openapi_bp,
    privacy_bp,
    search_bp,
)


API_BLUEPRINT_NAMES = frozenset(blueprint.name for blueprint in API_BLUEPRINTS)


def _check_api_body() -> None:
    if current_request.blueprint in API_BLUEPRINT_NAMES:
        refuse_bodies_that_are_not_json()


def register_api(app: Flask) -> None:
    """Register every API blueprint on `app`, each write refusing bodies that are not JSON."""
    app.before_request(_check_api_body)
    for blueprint in API_BLUEPRINTS:
        # Bearer tokens, never cookies, authenticate the API: there is no CSRF to defend against.
        csrf.exempt(blueprint)
        app.register_blueprint(blueprint)

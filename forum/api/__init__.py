"""The JSON API under /api/v1: one blueprint per feature, none of them taking CSRF tokens."""

from flask import Flask

from forum.api.accounts import bp as accounts_bp
from forum.api.experiences import bp as experiences_bp
from forum.api.insights import bp as insights_bp
from forum.api.moderation import bp as moderation_bp
from forum.api.openapi import bp as openapi_bp
from forum.api.privacy import bp as privacy_bp
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


def register_api(app: Flask) -> None:
    for blueprint in API_BLUEPRINTS:
        # Bearer tokens, never cookies, authenticate the API: there is no CSRF to defend against.
        csrf.exempt(blueprint)
        app.register_blueprint(blueprint)

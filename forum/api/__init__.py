"""The JSON API under /api/v1: one flask-smorest blueprint per feature, none taking CSRF tokens."""

import flask
from flask import Flask


def register_api(app: Flask) -> None:
    """Register every API blueprint through this app's Api (which documents them), each write
    refusing JSON bodies that are not declared as such."""
    # Imported here: the views import forum.rate_limits, which answers in this package's shape.
    from forum.api.account_mail import bp as account_mail_bp
    from forum.api.accounts import bp as accounts_bp
    from forum.api.experiences import bp as experiences_bp
    from forum.api.insights import bp as insights_bp
    from forum.api.moderation import bp as moderation_bp
    from forum.api.notifications import bp as notifications_bp
    from forum.api.openapi import bp as openapi_bp
    from forum.api.openapi import create_api
    from forum.api.privacy import bp as privacy_bp
    from forum.api.request import refuse_bodies_that_are_not_json
    from forum.api.search import bp as search_bp
    from forum.extensions import csrf

    api = create_api(app)
    blueprints = (
        accounts_bp,
        account_mail_bp,
        experiences_bp,
        insights_bp,
        moderation_bp,
        notifications_bp,
        privacy_bp,
        search_bp,
    )
    names = frozenset(blueprint.name for blueprint in blueprints)

    @app.before_request
    def check_api_body() -> None:
        if flask.request.blueprint in names:
            refuse_bodies_that_are_not_json()

    for blueprint in (*blueprints, openapi_bp):
        # Bearer tokens, never cookies, authenticate the API: there is no CSRF to defend against.
        csrf.exempt(blueprint)
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    app.register_blueprint(openapi_bp)

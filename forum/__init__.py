"""Movement Notes: the application factory."""

import os
from pathlib import Path

from flask import Flask

from forum.config import load_config

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the app; `config` overrides settings from the environment (tests use it)."""
    instance_path = Path(os.environ.get("FORUM_INSTANCE_PATH") or PROJECT_ROOT / "instance")
    app = Flask(
        __name__,
        instance_path=str(instance_path),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_mapping(load_config(instance_path, config))
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_serving(app)
    register_template_context(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from forum import mail, search
    from forum.auth.session import init_login
    from forum.extensions import csrf, db, migrate
    from forum.rate_limits import init_rate_limits

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    init_login(app)
    search.init_app(app)
    init_rate_limits(app)
    mail.init_app(app)


def register_blueprints(app: Flask) -> None:
    from forum.api import register_api
    from forum.auth.mail_views import bp as account_mail_bp
    from forum.auth.privacy_views import bp as privacy_bp
    from forum.auth.views import bp as auth_bp
    from forum.experiences.reply_views import bp as replies_bp
    from forum.experiences.views import bp as experiences_bp
    from forum.home.views import bp as home_bp
    from forum.insights.views import bp as insights_bp
    from forum.moderation.flag_views import bp as flags_bp
    from forum.moderation.member_views import bp as moderation_members_bp
    from forum.moderation.views import bp as moderation_bp
    from forum.notifications.views import bp as notifications_bp
    from forum.search.views import bp as search_bp
    from forum.web.routing import init_routing

    init_routing(app)
    for blueprint in (
        home_bp,
        auth_bp,
        privacy_bp,
        account_mail_bp,
        experiences_bp,
        replies_bp,
        insights_bp,
        moderation_bp,
        moderation_members_bp,
        flags_bp,
        notifications_bp,
        search_bp,
    ):
        app.register_blueprint(blueprint)
    register_api(app)


def register_serving(app: Flask) -> None:
    """Security headers, request ids with one log line per request, kept pages, /healthz."""
    from forum import caching
    from forum.insights import warm_up
    from forum.web.health import bp as health_bp
    from forum.web.observability import init_request_log
    from forum.web.security import init_security
    from forum.web.trusted_hosts import init_trusted_hosts

    init_security(app)
    init_trusted_hosts(app)
    init_request_log(app)
    caching.init_app(app)
    warm_up.init_app(app)
    app.register_blueprint(health_bp)


def register_errorhandlers(app: Flask) -> None:
    from forum.web.errors import register_error_pages

    register_error_pages(app)


def register_template_context(app: Flask) -> None:
    from forum.moderation import templating
    from forum.notifications import templating as notification_templating
    from forum.web import demo_banner
    from forum.web.context import init_template_context

    init_template_context(app)
    templating.init_templating(app)
    notification_templating.init_templating(app)
    demo_banner.init_templating(app)


def register_commands(app: Flask) -> None:
    from forum.cli import forum_cli

    app.cli.add_command(forum_cli)

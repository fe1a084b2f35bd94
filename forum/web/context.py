"""Names every template can use: the vocabulary, permission predicates, statuses, labels."""

from flask import Flask

from forum import permissions, vocabulary
from forum.clock import isoformat
from forum.demo.banner import demo_banner_visible
from forum.models import Status
from forum.moderation import templating as moderation


def init_template_context(app: Flask) -> None:
    app.jinja_env.globals.update(
        vocab=vocabulary,
        label=vocabulary.label,
        permissions=permissions,
        Status=Status,
        demo_banner_visible=demo_banner_visible,
        moderation=moderation,
    )
    app.context_processor(moderation.badge_context)
    app.jinja_env.filters["isotime"] = isoformat
    app.jinja_env.filters["day"] = lambda moment: moment.strftime("%d %b %Y") if moment else ""

"""Names every template can use: the vocabulary, permission predicates, statuses, labels.

Features add their own names (moderation tools, the demo banner) from their own modules."""

from flask import Flask

from forum import permissions, vocabulary
from forum.clock import isoformat
from forum.models import Status
from forum.web.page_cache import own_part


def init_template_context(app: Flask) -> None:
    app.jinja_env.globals.update(
        vocab=vocabulary,
        label=vocabulary.label,
        permissions=permissions,
        Status=Status,
        own_part=own_part,
    )
    app.jinja_env.filters["isotime"] = isoformat
    app.jinja_env.filters["day"] = lambda moment: moment.strftime("%d %b %Y") if moment else ""

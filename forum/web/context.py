"""Names every template can use: the vocabulary, permission predicates, labels."""

from flask import Flask

from forum import permissions, vocabulary
from forum.clock import isoformat


def init_template_context(app: Flask) -> None:
    app.jinja_env.globals.update(
        vocab=vocabulary,
        label=vocabulary.label,
        permissions=permissions,
    )
    app.jinja_env.filters["isotime"] = isoformat
    app.jinja_env.filters["day"] = lambda moment: moment.strftime("%d %b %Y") if moment else ""

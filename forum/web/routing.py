"""URL converters shared by every blueprint."""

from werkzeug.routing import IntegerConverter

# Ids are 32-bit integer columns: no row has a larger one.
MAX_ID = 2**31 - 1


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` in every route, limited to ten digits: the database driver fails on ids
    past 64 bits (SQLite cannot bind them), so longer ones must not reach a query.

    A regex rather than `max=`: werkzeug answers a converter's refusal with 405 when a rule
    for another method matched the path, while a path the regex refuses is a plain 404.
    """

    regex = r"\d{1,10}"


def init_routing(app) -> None:
    """Before any blueprint: converters are bound when rules are added."""
    app.url_map.converters["int"] = DatabaseIdConverter

"""URL converters shared by every blueprint."""

from werkzeug.routing import IntegerConverter

# Ids are 32-bit integer columns: no row has a larger one.
MAX_ID = 2**31 - 1
# No row has id 0 either: it stands for every id that cannot exist.
NO_SUCH_ID = 0


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` in every route. An id past MAX_ID would fail in the database driver
    (PostgreSQL: integer out of range; SQLite: past 64 bits), so it reaches the view as
    NO_SUCH_ID and gets the view's own 404.

    Not `max=`: werkzeug answers a converter's refusal with 405 when a rule for another
    method matched the same path.
    """

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        return number if number <= MAX_ID else NO_SUCH_ID


def init_routing(app) -> None:
    """Before any blueprint: converters are bound when rules are added."""
    app.url_map.converters["int"] = DatabaseIdConverter

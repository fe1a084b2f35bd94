"""One notion of "now" for the whole app: naive UTC, the same on SQLite and PostgreSQL."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time in UTC, without tzinfo, as every column stores it."""
    return datetime.now(UTC).replace(tzinfo=None)


def isoformat(moment: datetime | None) -> str | None:
    """An ISO 8601 string in UTC with a trailing Z, as the API shows times."""
    if moment is None:
        return None
    return moment.replace(microsecond=0).isoformat() + "Z"

"""The one list of statuses an experience or a reply can be in, and how a column stores it."""

import enum

from sqlalchemy import CheckConstraint, String
from sqlalchemy.types import TypeDecorator


class Status(enum.StrEnum):
    """Contract keys; a StrEnum equals its value, so JSON and templates see the same strings."""

    PENDING = "pending"
    PUBLISHED = "published"
    REJECTED = "rejected"
    HIDDEN = "hidden"
    DELETED = "deleted"
    # Saved unfinished by its author, who alone sees it; submitted, it enters the workflow.
    DRAFT = "draft"


class StatusType(TypeDecorator):
    """A plain VARCHAR(20) in the database (as before), a Status in Python."""

    impl = String(20)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else Status(value).value

    def process_result_value(self, value, dialect):
        return None if value is None else Status(value)


def status_check(column: str = "status") -> CheckConstraint:
    """The CHECK that keeps any other word out of a status column (named by the convention)."""
    allowed = ", ".join(f"'{status.value}'" for status in Status)
    return CheckConstraint(f"{column} IN ({allowed})", name=column)

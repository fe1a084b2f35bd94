"""The search outbox: which experiences the index must look at again."""

from datetime import datetime

from sqlalchemy import Index
from sqlalchemy.orm import Mapped, mapped_column

from forum.clock import utcnow
from forum.extensions import db


class SearchChange(db.Model):
    """Written in the same transaction as the change it records; indexes follow it by id."""

    __tablename__ = "search_changes"
    __table_args__ = (Index("ix_search_changes_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    experience_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

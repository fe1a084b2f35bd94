"""Demo community use cases: load it (with a moderator and the search index), detect it."""

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import exists, select

from forum import search
from forum.auth.service import hash_password
from forum.clock import utcnow
from forum.demo import loader
from forum.demo.generator import members
from forum.errors import Conflict
from forum.extensions import db
from forum.models import Experience, User
from forum.web.demo_banner import demo_data_present

MODERATOR_USERNAME = "demo_moderator"
ALREADY_LOADED = "Demo data is already loaded."
# Usernames are checked against existing members in chunks (SQL parameter limits).
NAME_CHUNK = 500


@dataclass
class SeedResult:
    """What seed_demo did; `summary` is None when it skipped a non-empty database."""

    summary: loader.LoadSummary | None = None
    moderator_username: str = ""
    moderator_password: str = ""
    load_seconds: float = 0.0
    index_seconds: float = 0.0


def database_is_empty() -> bool:
    """True when there is no member and no experience at all."""
    return not db.session.scalar(select(exists().select_from(User))) and not db.session.scalar(
        select(exists().select_from(Experience))
    )


def _ensure_names_free(count: int, seed: int) -> None:
    names = [member.username.lower() for member in members(count, seed)] + [MODERATOR_USERNAME]
    for start in range(0, len(names), NAME_CHUNK):
        chunk = names[start : start + NAME_CHUNK]
        taken = db.session.scalars(select(User.username).where(User.username_key.in_(chunk)))
        clash = taken.first()
        if clash is not None:
            raise Conflict(f"A member called {clash} already exists; demo data not loaded.")


def seed_demo(
    count: int,
    seed: int = 1,
    *,
    if_empty: bool = False,
    progress: Callable[[int], None] | None = None,
    index_progress: Callable[[int, int], None] | None = None,
) -> SeedResult:
    """Load `count` invented experiences with members, a moderator, and build the index.

    With `if_empty`, does nothing unless the database is empty. Everything is committed in
    one transaction; the search index is then rebuilt once from the database. `progress`
    gets the experiences inserted per step, `index_progress` (done, total) documents.
    """
    if if_empty and not database_is_empty():
        return SeedResult()
    if demo_data_present():
        raise Conflict(ALREADY_LOADED)
    _ensure_names_free(count, seed)
    password = secrets.token_urlsafe(12)
    db.session.add(
        User(
            username=MODERATOR_USERNAME,
            username_key=MODERATOR_USERNAME,
            email=f"{MODERATOR_USERNAME}@demo.invalid",
            password_hash=hash_password(password),
            role="moderator",
            is_demo=True,
            email_verified_at=utcnow(),
        )
    )
    started = time.perf_counter()
    summary = loader.load(count, seed, progress)
    loaded = time.perf_counter()
    search.rebuild(index_progress)
    return SeedResult(
        summary=summary,
        moderator_username=MODERATOR_USERNAME,
        moderator_password=password,
        load_seconds=loaded - started,
        index_seconds=time.perf_counter() - loaded,
    )

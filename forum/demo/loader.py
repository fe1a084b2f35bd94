"""Bulk-inserts a generated demo community: many rows per statement, one transaction."""

import os
import secrets
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from multiprocessing import get_context

from sqlalchemy import func, insert, select, text

from forum.clock import utcnow
from forum.demo import over_time
from forum.demo.generator import DemoExperience, DemoFlag, members
from forum.demo.rendering import RenderedExperience, render_slice
from forum.demo.words import TAGS
from forum.extensions import db
from forum.models import (
    Experience,
    ExperienceExercise,
    Flag,
    MeToo,
    Reply,
    SearchChange,
    Status,
    Tag,
    User,
    experience_tags,
)

BATCH = 1000
# Below this, starting worker processes costs more than rendering in this one.
PARALLEL_FROM = 5000
ID_TABLES = (User, Experience, Reply, Flag)
# Core tables, not ORM entities: plain executemany without the ORM's per-row bookkeeping.
USERS, EXPERIENCES, REPLIES, FLAGS = (model.__table__ for model in ID_TABLES)
EXERCISES, ME_TOO, OUTBOX = ExperienceExercise.__table__, MeToo.__table__, SearchChange.__table__


@dataclass
class LoadSummary:
    members: int = 0
    experiences: int = 0
    published: int = 0
    pending: int = 0
    flagged: int = 0
    replies: int = 0
    me_too: int = 0
    first_experience_id: int = 0
    follow_ups: int = 0
    quick_answers: int = 0


def load(
    count: int, seed: int = 1, progress: Callable[[int], None] | None = None, workers: int = 0
) -> LoadSummary:
    """Insert `count` demo experiences with their members, replies, marks and flags; commit once.

    `progress` is called with the number of experiences just inserted; `workers` processes
    render the Markdown (0: as many as there are CPUs, for large counts). They are spawned,
    so a script that calls this needs the `if __name__ == "__main__":` guard.
    """
    now = utcnow()
    ids = {model: db.session.scalar(select(func.max(model.id))) or 0 for model in ID_TABLES}
    community = members(count, seed)
    users = [_user_row(member, ids[User] + 1 + member.index, now) for member in community]
    for start in range(0, len(users), BATCH):
        db.session.execute(insert(USERS), users[start : start + BATCH])
    loader = _Batch(now, ids, _tag_ids(), user_base=ids[User] + 1)
    summary = LoadSummary(members=len(community), first_experience_id=ids[Experience] + 1)
    for chunk in _rendered_chunks(count, seed, workers):
        loader.add(chunk, summary)
        if progress:
            progress(len(chunk))
    summary.follow_ups, summary.quick_answers = over_time.load(ids[Experience] + 1, now, seed)
    if summary.published:
        # One outbox row moves the data version that read caches key on (insights).
        last_id = ids[Experience] + count
        db.session.execute(insert(OUTBOX), [{"experience_id": last_id, "created_at": now}])
    _sync_sequences()
    db.session.commit()
    # Fresh planner statistics: without them SQLite picks the status index for
    # "id IN (...) AND status = ..." lookups and scans every published row.
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return summary


def _rendered_chunks(count: int, seed: int, workers: int) -> Iterator[list[RenderedExperience]]:
    slices = [(start, min(start + BATCH, count)) for start in range(0, count, BATCH)]
    if count < PARALLEL_FROM:
        for start, stop in slices:
            yield render_slice(count, seed, start, stop)
        return
    # spawn, not fork: the parent holds database connections a forked child must not touch.
    with ProcessPoolExecutor(workers or os.cpu_count(), mp_context=get_context("spawn")) as pool:
        yield from pool.map(
            render_slice,
            [count] * len(slices),
            [seed] * len(slices),
            [start for start, _ in slices],
            [stop for _, stop in slices],
        )


def _tag_ids() -> dict[str, int]:
    existing = set(db.session.scalars(select(Tag.name).where(Tag.name.in_(TAGS))))
    missing = [{"name": name} for name in TAGS if name not in existing]
    if missing:
        db.session.execute(insert(Tag.__table__), missing)
    return dict(db.session.execute(select(Tag.name, Tag.id).where(Tag.name.in_(TAGS))).all())


def _user_row(member, user_id: int, now: datetime) -> dict:
    return {
        "id": user_id,
        "username": member.username,
        "username_key": member.username.lower(),
        "email": f"{member.username.lower()}@demo.invalid",
        "password_hash": None,
        "role": "member",
        "onset": member.onset,
        "condition": member.condition,
        "symptom": member.symptom,
        "age_band": member.age_band,
        "onset_detail": member.onset_detail,
        "severity": member.severity,
        "years_ill": member.years_ill,
        "session_token": secrets.token_hex(16),
        "is_demo": True,
        "created_at": now - timedelta(minutes=member.minutes_ago),
        # Demo addresses count as verified (and end in .invalid, so no mail goes to them).
        "email_verified_at": now - timedelta(minutes=member.minutes_ago),
    }


class _Batch:
    """Turns rendered experiences into rows for every table and inserts them per chunk."""

    def __init__(self, now: datetime, ids: dict, tag_ids: dict[str, int], user_base: int):
        self.now, self.tag_ids, self.user_base = now, tag_ids, user_base
        self.experience_base = ids[Experience] + 1
        self.next_reply_id = ids[Reply] + 1
        self.next_flag_id = ids[Flag] + 1

    def add(self, chunk: list[RenderedExperience], summary: LoadSummary) -> None:
        tables = {EXPERIENCES: [], EXERCISES: [], experience_tags: [], REPLIES: []}
        tables.update({ME_TOO: [], FLAGS: []})
        for rendered in chunk:
            self._rows(rendered, tables)
            demo = rendered.experience
            summary.experiences += 1
            summary.published += demo.status == Status.PUBLISHED
            summary.pending += demo.status == Status.PENDING
            summary.flagged += bool(demo.flags)
            summary.replies += len(demo.replies)
            summary.me_too += len(demo.me_too)
        for table, rows in tables.items():
            if rows:
                db.session.execute(insert(table), rows)

    def _rows(self, rendered: RenderedExperience, tables: dict) -> None:
        demo = rendered.experience
        experience_id = self.experience_base + demo.index
        created = demo.created_at(self.now)
        tables[EXPERIENCES].append(self._experience_row(rendered, experience_id, created))
        tables[EXERCISES] += [
            {"experience_id": experience_id, "exercise": key, "position": position}
            for position, key in enumerate(demo.exercises)
        ]
        tables[experience_tags] += [
            {"experience_id": experience_id, "tag_id": self.tag_ids[name]} for name in demo.tags
        ]
        tables[ME_TOO] += [
            {
                "experience_id": experience_id,
                "user_id": self.user_base + member,
                "created_at": created
                + (self.now - created) * (position + 1) / (len(demo.me_too) + 1),
            }
            for position, member in enumerate(demo.me_too)
        ]
        tables[FLAGS] += self._flags(demo.flags, created, experience_id=experience_id)
        for reply, html in zip(demo.replies, rendered.reply_html, strict=True):
            reply_created = self.now - timedelta(minutes=reply.minutes_ago)
            tables[REPLIES].append(
                {
                    "id": self.next_reply_id,
                    "experience_id": experience_id,
                    "author_id": self.user_base + reply.author,
                    "body": reply.body,
                    "body_html": html,
                    "status": Status.PUBLISHED,
                    "flag_count": len(reply.flags),
                    "is_demo": True,
                    "created_at": reply_created,
                    "updated_at": reply_created,
                }
            )
            tables[FLAGS] += self._flags(reply.flags, reply_created, reply_id=self.next_reply_id)
            self.next_reply_id += 1

    def _experience_row(self, rendered: RenderedExperience, experience_id: int, created) -> dict:
        demo: DemoExperience = rendered.experience
        published = demo.status == Status.PUBLISHED
        return {
            "id": experience_id,
            "author_id": self.user_base + demo.author,
            "title": demo.title,
            "body": demo.body,
            "body_html": rendered.body_html,
            "main_exercise": demo.exercises[0],
            "intensity": demo.intensity,
            "minutes_per_session": demo.minutes_per_session,
            "sessions_per_week": demo.sessions_per_week,
            "weeks_tried": demo.weeks_tried,
            "outcome": demo.outcome,
            "flare": demo.flare,
            "effect_pain": demo.effects.get("pain"),
            "effect_fatigue": demo.effects.get("fatigue"),
            "effect_sleep": demo.effects.get("sleep"),
            "onset": demo.onset,
            "condition": demo.condition,
            "symptom": demo.symptom,
            "age_band": demo.age_band,
            "onset_detail": demo.onset_detail,
            "severity": demo.severity,
            "years_ill": demo.years_ill,
            "status": demo.status,
            "me_too_count": len(demo.me_too),
            "reply_count": len(demo.replies),
            "flag_count": len(demo.flags),
            "version": 1,
            "is_demo": True,
            "created_at": created,
            "updated_at": created,
            "submitted_at": created,
            "published_at": created if published else None,
        }

    def _flags(self, flags: tuple[DemoFlag, ...], after: datetime, **target) -> list[dict]:
        rows = []
        for position, flag in enumerate(flags):
            rows.append(
                {
                    "id": self.next_flag_id,
                    "experience_id": target.get("experience_id"),
                    "reply_id": target.get("reply_id"),
                    "flagger_id": self.user_base + flag.flagger,
                    "reason": flag.reason,
                    "note": flag.note or None,
                    "created_at": after + (self.now - after) * (position + 1) / (len(flags) + 1),
                }
            )
            self.next_flag_id += 1
        return rows


def _sync_sequences() -> None:
    """PostgreSQL hands out ids from sequences, which explicit ids do not advance."""
    if db.engine.dialect.name != "postgresql":
        return
    for model in ID_TABLES:
        sequence = func.pg_get_serial_sequence(model.__tablename__, "id")
        db.session.execute(
            select(func.setval(sequence, select(func.max(model.id)).scalar_subquery()))
        )

"""Read queries behind insights: outcome counts per exercise, group size, data version."""

from dataclasses import dataclass, field

from sqlalchemy import case, func, select

from forum.extensions import db
from forum.models import Experience, ExperienceExercise, SearchChange
from forum.vocabulary import OUTCOME

Group = dict[str, str]


@dataclass
class Tally:
    """Counts of one cell (an exercise, or an exercise at one intensity) in one group."""

    outcomes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOME, 0))
    flared: int = 0

    @property
    def reports(self) -> int:
        return sum(self.outcomes.values())

    def add(self, outcome: str, reports: int, flared: int) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + reports
        self.flared += flared


@dataclass
class GroupCounts:
    """Everything the insights of one group are computed from."""

    size: int
    # {exercise: Tally} and {exercise: {intensity: Tally}}
    exercises: dict[str, Tally]
    intensities: dict[str, dict[str, Tally]]


def _published_in(group: Group) -> list:
    conditions = [Experience.status == "published"]
    conditions += [getattr(Experience, name) == key for name, key in group.items()]
    return conditions


def group_counts(group: Group) -> GroupCounts:
    """Count published experiences of the group per exercise, intensity and outcome (2 queries).

    An experience naming several exercise types counts once for each; the group size
    counts each experience once.
    """
    conditions = _published_in(group)
    flared = func.sum(case((Experience.flare != "none", 1), else_=0))
    rows = db.session.execute(
        select(
            ExperienceExercise.exercise,
            Experience.intensity,
            Experience.outcome,
            func.count(),
            flared,
        )
        .join(Experience, Experience.id == ExperienceExercise.experience_id)
        .where(*conditions)
        .group_by(ExperienceExercise.exercise, Experience.intensity, Experience.outcome)
    ).all()
    size = db.session.scalar(select(func.count(Experience.id)).where(*conditions))
    exercises: dict[str, Tally] = {}
    intensities: dict[str, dict[str, Tally]] = {}
    for exercise, intensity, outcome, reports, flare_count in rows:
        exercises.setdefault(exercise, Tally()).add(outcome, reports, flare_count or 0)
        cells = intensities.setdefault(exercise, {})
        cells.setdefault(intensity, Tally()).add(outcome, reports, flare_count or 0)
    return GroupCounts(size=size or 0, exercises=exercises, intensities=intensities)


def data_version() -> tuple[int, int]:
    """A cheap version of the published data: (newest id, row count) of the search outbox.

    Every change to the published set writes an outbox row in its own transaction and the
    newest row is never deleted, so the newest id moves with every change. The count is
    there for PostgreSQL, where ids are handed out at insert but become visible at commit:
    a transaction holding a lower id can commit after a higher one, which the newest id
    alone would miss; its commit still raises the count.
    """
    newest, count = db.session.execute(
        select(func.max(SearchChange.id), func.count(SearchChange.id))
    ).one()
    return newest or 0, count

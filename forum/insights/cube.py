"""Published experiences summed per member profile, kept current from the search outbox.

Counting a group in SQL joins every experience of the group to its exercise types and sorts
the result: fine for narrow groups, too slow for broad ones at 100,000 experiences. So each
process keeps, per profile (onset, condition, symptom, age band), the number of published
experiences and a vector of reports and flare-ups per exercise, intensity and outcome. A
group is the sum over the profiles it matches.

Staying current: every change to the published set writes an outbox row in the same
transaction. Before answering, the cube reads the outbox rows it has not applied, re-reads
those experiences, and recounts from the database the profiles they left and joined. All of
that happens in one snapshot, so a recount never sees a change that is not applied with it.
Outbox ids are tracked individually for the newest WINDOW of them, because on PostgreSQL a
lower id can commit after a higher one. A bulk load writes one outbox row for many new
experiences: when more experiences were published above the newest id seen so far than the
outbox named, the cube is rebuilt from scratch.
"""

from dataclasses import dataclass, field
from threading import Lock

from sqlalchemy import Connection

from forum import caching
from forum.insights import queries
from forum.insights.queries import Profile
from forum.vocabulary import EXERCISE, INTENSITY, OUTCOME, PROFILE_FIELDS

WINDOW = 128
# Past this many changed experiences at once, rebuilding is cheaper than recounting each
# profile they touch (two small queries per profile).
REBUILD_ABOVE = 100
CELLS = [(e, i, o) for e in EXERCISE for i in INTENSITY for o in OUTCOME]
CELL_INDEX = {cell: position for position, cell in enumerate(CELLS)}
PROFILE_POSITION = {name: position for position, name in enumerate(PROFILE_FIELDS)}
Group = dict[str, str]


@dataclass
class Tally:
    """Counts of one cell (an exercise, or an exercise at one intensity) in one group."""

    outcomes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOME, 0))
    flared: int = 0

    @property
    def reports(self) -> int:
        return sum(self.outcomes.values())


@dataclass
class GroupCounts:
    """Everything the insights of one group are computed from."""

    size: int
    exercises: dict[str, Tally]  # only exercise types with reports
    intensities: dict[str, dict[str, Tally]]  # {exercise: {intensity: Tally}}


def _counts_from(size: int, vector: list[int]) -> GroupCounts:
    exercises: dict[str, Tally] = {}
    intensities: dict[str, dict[str, Tally]] = {}
    for position, (exercise, intensity, outcome) in enumerate(CELLS):
        reports, flared = vector[2 * position], vector[2 * position + 1]
        if not reports:
            continue
        for tally in (
            exercises.setdefault(exercise, Tally()),
            intensities.setdefault(exercise, {}).setdefault(intensity, Tally()),
        ):
            tally.outcomes[outcome] += reports
            tally.flared += flared
    return GroupCounts(size=size, exercises=exercises, intensities=intensities)


class Cube:
    """One process's summary; `counts(group)` is always as current as the database."""

    def __init__(self):
        self._lock = Lock()
        self._floor: int | None = None  # every outbox id at or below it is applied
        self._applied: set[int] = set()  # applied outbox ids above the floor
        self._profile_of: dict[int, Profile] = {}
        self._newest_seen = 0  # the newest experience id when the cube last caught up
        self._sizes: dict[Profile, int] = {}
        self._vectors: dict[Profile, list[int]] = {}
        self._answers: dict[tuple, GroupCounts] = {}

    def counts(self, *groups: Group) -> list[GroupCounts]:
        """Each group's counts, after applying every change committed so far (one snapshot)."""
        with self._lock:
            try:
                with queries.snapshot() as connection:
                    self._catch_up(connection)
            except BaseException:
                # Half-applied changes cannot be told apart: start again from scratch.
                self._floor = None
                self._answers.clear()
                raise
            answers = []
            for group in groups:
                key = tuple(sorted(group.items()))
                if key not in self._answers:
                    self._answers[key] = self._sum(group)
                answers.append(self._answers[key])
            return answers

    def _sum(self, group: Group) -> GroupCounts:
        wanted = [(PROFILE_POSITION[name], key) for name, key in group.items()]
        profiles = [p for p in self._sizes if all(p[i] == key for i, key in wanted)]
        vectors = [self._vectors[p] for p in profiles if p in self._vectors]
        totals = [sum(column) for column in zip(*vectors, strict=True)] if vectors else []
        size = sum(self._sizes[p] for p in profiles)
        return _counts_from(size, totals or [0] * (2 * len(CELLS)))

    def _catch_up(self, connection: Connection) -> None:
        rows = queries.outbox_since(connection, self._floor, WINDOW)
        if self._floor is None:
            self._rebuild(connection)
        else:
            new = {experience for outbox_id, experience in rows if outbox_id not in self._applied}
            if not new:
                return
            if len(new) > REBUILD_ABOVE or not self._apply(connection, new):
                self._rebuild(connection)
        newest = max((outbox_id for outbox_id, _ in rows), default=self._floor or 0)
        self._floor = max(self._floor or 0, newest - WINDOW)
        self._applied = {i for i in self._applied | {i for i, _ in rows} if i > self._floor}
        self._answers.clear()

    def _rebuild(self, connection: Connection) -> None:
        self._newest_seen = queries.newest_experience_id(connection)
        self._profile_of = queries.published_profiles(connection)
        self._recount(connection, None)

    def _apply(self, connection: Connection, experience_ids: set[int]) -> bool:
        """Apply changes to these experiences; False when others were published unannounced."""
        newest_seen = self._newest_seen
        new_published = queries.published_above(connection, newest_seen)
        current = queries.published_profiles(connection, experience_ids)
        if new_published != sum(1 for i in current if i > newest_seen):
            return False
        self._newest_seen = queries.newest_experience_id(connection)
        left = {self._profile_of.pop(i) for i in experience_ids if i in self._profile_of}
        self._profile_of.update(current)
        self._recount(connection, left | set(current.values()))
        return True

    def _recount(self, connection: Connection, profiles: set[Profile] | None) -> None:
        """Replace the given profiles' numbers (None: all) with the database's."""
        if profiles is None:
            self._sizes, self._vectors = {}, {}
            self._add_counts(connection, None)
            return
        for profile in profiles:
            self._sizes.pop(profile, None)
            self._vectors.pop(profile, None)
            self._add_counts(connection, profile)

    def _add_counts(self, connection: Connection, profile: Profile | None) -> None:
        self._sizes.update(queries.profile_sizes(connection, profile))
        for *keys, exercise, intensity, outcome, reports, flared in queries.profile_cells(
            connection, profile
        ):
            position = CELL_INDEX.get((exercise, intensity, outcome))
            if position is None:
                continue  # a key outside the vocabulary cannot be shown anyway
            vector = self._vectors.setdefault(tuple(keys), [0] * (2 * len(CELLS)))
            vector[2 * position] += reports
            vector[2 * position + 1] += flared or 0


def app_cube() -> Cube:
    """This app's cube; each app (and so each test's database) has its own."""
    return caching.app_state("insights cube", Cube)

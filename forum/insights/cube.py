"""Insights counts per process: a table of every person's published answers, kept current.

Counting people in SQL per request (latest answer per person and main exercise within the
group's filters) means a window over every published story of a broad group: too slow at
100,000 stories. So each process keeps the answers in memory (forum.insights.people sums
them per profile), and every group is answered from there.

Staying current: every change to the published set writes an outbox row in the same
transaction. Before answering, the cube reads the outbox rows it has not applied and re-reads
every published story of the people those experiences belonged to or belong to now (a
person's latest answer depends on all their stories). All of that happens in one snapshot,
so a re-read never sees a change that is not applied with it. Outbox ids are tracked
individually for the newest WINDOW of them, because on PostgreSQL a lower id can commit after
a higher one. A bulk load writes one outbox row for many new experiences: when more
experiences were published above the newest id seen so far than the outbox named, the cube
is rebuilt from scratch.
"""

from collections import defaultdict
from threading import Lock

from sqlalchemy import Connection

from forum import caching
from forum.insights import queries
from forum.insights.people import Answer, Group, PeopleTable, answer_from
from forum.insights.vectors import GroupCounts

WINDOW = 128
# Past this many changed experiences at once, rebuilding is cheaper than re-reading each
# person they touch.
REBUILD_ABOVE = 100
# Finished responses kept per process between changes (groups x detail); cleared when full.
RESPONSES_KEPT = 1024


class Cube:
    """One process's table; `counts(group)` is always as current as the database."""

    def __init__(self):
        self._lock = Lock()
        self._floor: int | None = None  # every outbox id at or below it is applied
        self._applied: set[int] = set()  # applied outbox ids above the floor
        self._newest_seen = 0  # the newest experience id when the cube last caught up
        self._table = PeopleTable()
        self._answers: dict[tuple, tuple[GroupCounts, GroupCounts]] = {}
        self._sizes: dict[tuple, int] = {}
        self._version = 0  # moves whenever the table changes
        self._responses: dict[tuple, tuple[int, object]] = {}

    def counts(self, *groups: Group) -> list[tuple[GroupCounts, GroupCounts]]:
        """Each group's counts with its baseline's, after every change committed so far."""
        return self._per_group(self._answers, "counts", groups)

    def sizes(self, *groups: Group) -> list[int]:
        """How many people each group has, after every change committed so far."""
        return self._per_group(self._sizes, "size", groups)

    def sizes_within(self, answers: Group, groups: list[Group]) -> list[int]:
        """`sizes` of groups that each keep some of `answers` (PeopleTable.sizes_within)."""
        with self._lock:
            self._current()
            keys = [tuple(sorted(group.items())) for group in groups]
            missing = [
                group for group, key in zip(groups, keys, strict=True) if key not in self._sizes
            ]
            if missing:
                found = self._table.sizes_within(answers, missing)
                for group, size in zip(missing, found, strict=True):
                    self._sizes[tuple(sorted(group.items()))] = size
            return [self._sizes[key] for key in keys]

    def _per_group(self, memo: dict, measure: str, groups: tuple[Group, ...]) -> list:
        """The table's `measure` of each group, remembered in `memo` until the table changes."""
        with self._lock:
            self._current()  # may rebuild the table: look the measure up only after it
            compute = getattr(self._table, measure)
            answers = []
            for group in groups:
                key = tuple(sorted(group.items()))
                if key not in memo:
                    memo[key] = compute(group)
                answers.append(memo[key])
            return answers

    def remembered(self, key: tuple, make):
        """`make()`'s answer, made once per key until the table next changes (callers must
        not change what it returns)."""
        with self._lock:
            self._current()
            version = self._version
            kept = self._responses.get(key)
        if kept is not None and kept[0] == version:
            return kept[1]
        answer = make()
        with self._lock:
            if len(self._responses) >= RESPONSES_KEPT:
                self._responses.clear()
            self._responses[key] = (version, answer)
        return answer

    def has_demo_answers(self) -> bool:
        """Whether any published demo story is counted (its patterns are invented)."""
        with self._lock:
            self._current()
            return self._table.demo_answers > 0

    def _current(self) -> None:
        try:
            with queries.snapshot() as connection:
                self._catch_up(connection)
        except BaseException:
            # Half-applied changes cannot be told apart: start again from scratch.
            self._floor = None
            self._answers.clear()
            self._sizes.clear()
            self._version += 1
            raise

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
        self._sizes.clear()
        self._version += 1

    def _rebuild(self, connection: Connection) -> None:
        self._newest_seen = queries.newest_experience_id(connection)
        self._table = PeopleTable()
        answers = (answer_from(row) for row in queries.answers(connection))
        self._table.load([answer for answer in answers if answer is not None])

    def _apply(self, connection: Connection, experience_ids: set[int]) -> bool:
        """Apply changes to these experiences; False when others were published unannounced."""
        newest_seen = self._newest_seen
        new_published = queries.published_above(connection, newest_seen)
        if new_published != queries.published_among(connection, experience_ids, newest_seen):
            return False
        self._newest_seen = queries.newest_experience_id(connection)
        table = self._table
        people = {table.person_of[i] for i in experience_ids if i in table.person_of}
        for experience_id, author_id in queries.authors_of(connection, experience_ids).items():
            people.add(author_id if author_id is not None else -experience_id)
        authors = [person for person in people if person > 0]
        anonymous = [-person for person in people if person < 0]
        fresh: dict[int, list[Answer]] = defaultdict(list)
        for row in queries.answers_of(connection, authors, anonymous):
            answer = answer_from(row)
            if answer is not None:
                fresh[answer.person].append(answer)
        for person in people:
            table.replace(person, fresh.get(person, []))
        return True


def app_cube() -> Cube:
    """This app's cube; each app (and so each test's database) has its own."""
    return caching.app_state("insights cube", Cube)

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

Follow-ups write the outbox row of their story; quick answers one whose "experience id" is
minus the member's id (forum.experiences.over_time), read here as "this member changed".
The cube keeps two tables: every answer ("all"), and only those that count "after 3 months
or more" ("long_term": follow-ups, and stories tried for 13 weeks or more).
"""

from collections import defaultdict
from threading import Lock

from sqlalchemy import Connection

from forum import caching
from forum.insights import queries, suppression
from forum.insights.people import Answer, Group, PeopleTable, answer_from
from forum.insights.vectors import GroupCounts

WINDOW = 128
# Past this many changed experiences at once, rebuilding is cheaper than re-reading each
# person they touch.
REBUILD_ABOVE = 100
# Finished responses kept per process between changes (groups x detail); cleared when full.
RESPONSES_KEPT = 1024
VIEWS = ("all", "long_term")


class Cube:
    """One process's table; `counts(group)` is always as current as the database."""

    def __init__(self):
        self._lock = Lock()
        self._floor: int | None = None  # every outbox id at or below it is applied
        self._applied: set[int] = set()  # applied outbox ids above the floor
        self._newest_seen = 0  # the newest experience id when the cube last caught up
        self._tables = {view: PeopleTable() for view in VIEWS}
        self._answers: dict[tuple, tuple[GroupCounts, GroupCounts]] = {}
        self._sizes: dict[tuple, int] = {}
        self._version = 0  # moves whenever the table changes
        self._responses: dict[tuple, tuple[int, object]] = {}
        self._patterns: dict[tuple, tuple[int, suppression.Pattern]] = {}

    def counts(self, *groups: Group, view: str = "all") -> list[tuple[GroupCounts, GroupCounts]]:
        """Each group's counts with its baseline's, after every change committed so far."""
        return self._per_group(self._answers, "counts", groups, view)

    def sizes(self, *groups: Group, view: str = "all") -> list[int]:
        """How many people each group has, after every change committed so far."""
        return self._per_group(self._sizes, "size", groups, view)

    def sizes_within(self, answers: Group, groups: list[Group]) -> list[int]:
        """`sizes` of groups that each keep some of `answers` (PeopleTable.sizes_within), in
        the view of every answer."""
        with self._lock:
            self._current()
            keys = [("all", *sorted(group.items())) for group in groups]
            missing = [
                group for group, key in zip(groups, keys, strict=True) if key not in self._sizes
            ]
            if missing:
                found = self._tables["all"].sizes_within(answers, missing)
                for group, size in zip(missing, found, strict=True):
                    self._sizes[("all", *sorted(group.items()))] = size
            return [self._sizes[key] for key in keys]

    def _per_group(
        self, memo: dict, measure: str, groups: tuple[Group, ...], view: str = "all"
    ) -> list:
        """The table's `measure` of each group, remembered in `memo` until the table changes."""
        with self._lock:
            self._current()  # may rebuild the table: look the measure up only after it
            compute = getattr(self._tables[view], measure)
            answers = []
            for group in groups:
                key = (view, *sorted(group.items()))
                if key not in memo:
                    memo[key] = compute(group)
                answers.append(memo[key])
            return answers

    def protected_counts(
        self, minimum: int, complementary: bool, *groups: Group, view: str = "all"
    ):
        """(the suppression pattern of the view's whole lattice, each group's counts with its
        baseline's), both of the same version of the table. The pattern is decided once per
        version for every group at once, so no order of requests changes it."""
        with self._lock:
            self._current()
            table = self._tables[view]
            kept = self._patterns.get((view, minimum, complementary))
            if kept is None or kept[0] != self._version:
                previous = kept[1] if kept else None
                kept = self._patterns[(view, minimum, complementary)] = (
                    self._version,
                    suppression.pattern(table, minimum, complementary, previous),
                )
            answers = []
            for group in groups:
                key = (view, *sorted(group.items()))
                if key not in self._answers:
                    self._answers[key] = table.counts(group)
                answers.append(self._answers[key])
            return kept[1], answers

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
            return self._tables["all"].demo_answers > 0

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
        answers = [answer_from(row) for row in queries.answers(connection)]
        answers = [answer for answer in answers if answer is not None]
        self._tables = {view: PeopleTable() for view in VIEWS}
        self._tables["all"].load(answers)
        self._tables["long_term"].load([answer for answer in answers if answer.long_term])

    def _apply(self, connection: Connection, changed: set[int]) -> bool:
        """Apply changes to these experiences (and members' quick answers, written as minus
        the member's id); False when others were published unannounced."""
        experience_ids = {i for i in changed if i > 0}
        newest_seen = self._newest_seen
        new_published = queries.published_above(connection, newest_seen)
        if new_published != queries.published_among(connection, experience_ids, newest_seen):
            return False
        self._newest_seen = queries.newest_experience_id(connection)
        table = self._tables["all"]
        people = {table.person_of[i] for i in experience_ids if i in table.person_of}
        people.update(-i for i in changed if i < 0)
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
            answers = fresh.get(person, [])
            table.replace(person, answers)
            self._tables["long_term"].replace(
                person, [answer for answer in answers if answer.long_term]
            )
        return True


def app_cube() -> Cube:
    """This app's cube; each app (and so each test's database) has its own."""
    return caching.app_state("insights cube", Cube)

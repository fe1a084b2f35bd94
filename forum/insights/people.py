"""People, not posts: each member counts once per main exercise, with their latest answer.

A person's answers are their published stories (for the story's main exercise), the
published follow-ups of those stories (same exercise and profile, the follow-up's outcome
and time) and their quick answers ("I tried this too", with the profile copied when given).
A person's answer for an exercise in a group is the most recently published of those answers
for that exercise whose profile (onset, condition, symptom, age band, copied onto the
story) falls in the group's filters. That is not a sum over profiles when one person posted
under several, so the table keeps every person's answers and splits them in two:

- a *chain* (one person, one main exercise) whose stories all carry the same profile counts
  its newest story in that profile's vector of counts; any group takes it or leaves it whole,
  so a group is the sum of the vectors of the profiles it matches (almost every chain);
- a chain spanning several profiles is kept aside and walked for each group: its first
  story, newest first, inside the filters counts for the group, the first outside for the
  baseline (everyone outside the group).

Group sizes work the same way: people who only ever posted under one profile are counted per
profile, the few with several are checked one by one. A story whose author deleted their
account anonymously is its own person (nothing tells whose it was).
"""

from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import datetime
from operator import itemgetter
from typing import NamedTuple

from forum.insights.queries import FOLLOW_UP, QUICK, STORY, Profile
from forum.insights.vectors import (
    CELL,
    COMBINED_AT,
    EXERCISE_AT,
    FLARE_TIMES,
    FLARE_WHEN_AT,
    FLARED_AT,
    FOLLOWED_AT,
    INTENSITIES,
    LENGTH,
    QUICK_AT,
    REPORTS_AT,
    STOP_REASONS,
    STOPPED_AT,
    UNSTATED,
    GroupCounts,
    counts_from,
)
from forum.vocabulary import INSIGHTS_FIELDS

Group = dict[str, str]
PROFILE_POSITION = {name: position for position, name in enumerate(INSIGHTS_FIELDS)}
EARLIEST = datetime.min


class Answer(NamedTuple):
    """One published answer (story, follow-up or quick answer) as insights see it."""

    experience_id: int  # a quick answer's own id
    person: int
    exercise: str
    profile: Profile
    published_at: datetime | None
    intensity: str
    outcome: str
    flare: str
    combined: bool
    is_demo: bool
    kind: str = STORY
    stop_reason: str | None = None  # a follow-up saying the person stopped: why
    long_term: bool = False  # counts in the "after 3 months or more" view


# Of two answers published at the same moment, the later kind is the later word.
KIND_ORDER = {STORY: 0, FOLLOW_UP: 1, QUICK: 2}


def answer_from(row) -> Answer | None:
    """An Answer from a row of queries.answers; None for keys outside the vocabulary."""
    *row, kind, stop_reason, long_term = row
    experience_id, author_id, exercise, *profile, published_at = row[: 4 + len(INSIGHTS_FIELDS)]
    intensity, outcome, flare, is_demo, combined = row[4 + len(INSIGHTS_FIELDS) :]
    intensity = UNSTATED if intensity is None else intensity
    if exercise not in EXERCISE_AT or (intensity, outcome) not in CELL:
        return None
    if stop_reason is not None and stop_reason not in STOP_REASONS:
        stop_reason = "other"
    # An anonymised story is its own person (quick answers always have a member).
    person = author_id if author_id is not None else -experience_id
    return Answer(
        experience_id, person, exercise, tuple(profile), published_at,
        intensity, outcome, flare, bool(combined), bool(is_demo),
        kind, stop_reason, bool(long_term),
    )  # fmt: skip


def matcher(group: Group) -> Callable[[Profile], bool]:
    """Whether a profile falls in the group's filters (one tuple comparison: groups are sized
    many times over when a member's default group is looked for)."""
    if not group:
        return lambda profile: True
    keys = tuple(group.values())
    pick = itemgetter(*(PROFILE_POSITION[name] for name in group))
    if len(keys) == 1:
        return lambda profile: pick(profile) == keys[0]
    return lambda profile: pick(profile) == keys


def _answer_offsets(answer: Answer) -> list[int]:
    """Where one counted answer adds 1 in a vector: its cell, flare cells, combined."""
    base = EXERCISE_AT[answer.exercise]
    cell = CELL[(answer.intensity, answer.outcome)]
    offsets = [base + cell]
    if answer.flare != "none":
        offsets.append(base + FLARED_AT + cell)
        if answer.flare in FLARE_TIMES:
            offsets.append(base + FLARE_WHEN_AT + FLARE_TIMES.index(answer.flare))
    if answer.combined:
        offsets.append(base + COMBINED_AT)
    if answer.stop_reason is not None:
        offsets.append(base + STOPPED_AT + STOP_REASONS.index(answer.stop_reason))
    if answer.kind == QUICK:
        offsets.append(base + QUICK_AT)
    elif answer.kind == FOLLOW_UP:
        offsets.append(base + FOLLOWED_AT)
    return offsets


def _count_answer(vector: list[int], answer: Answer, sign: int) -> None:
    for offset in _answer_offsets(answer):
        vector[offset] += sign


def _report_offset(answer: Answer) -> int:
    return EXERCISE_AT[answer.exercise] + REPORTS_AT + INTENSITIES.index(answer.intensity)


def _count_report(vector: list[int], answer: Answer, sign: int) -> None:
    """Stories count as reports; follow-ups and quick answers only as people's answers."""
    if answer.kind == STORY:
        vector[_report_offset(answer)] += sign


def _newest_first(answers: list[Answer]) -> list[Answer]:
    return sorted(
        answers,
        key=lambda a: (a.published_at or EARLIEST, KIND_ORDER[a.kind], a.experience_id),
        reverse=True,
    )


def _summed(vectors: list[list[int]]) -> list[int]:
    return [sum(column) for column in zip(*vectors, strict=True)] if vectors else [0] * LENGTH


class PeopleTable:
    """Every person's published answers, and the counts they add up to per profile."""

    def __init__(self):
        self.answers_of: dict[int, list[Answer]] = {}
        self.person_of: dict[int, int] = {}  # experience id: person
        self.vectors: dict[Profile, list[int]] = {}
        self.total = [0] * LENGTH
        self.people: dict[Profile, int] = defaultdict(int)  # people with this one profile
        self.spread: dict[int, frozenset[Profile]] = {}  # people with several profiles
        self.mixed: dict[tuple[int, str], list[Answer]] = {}  # chains with several profiles
        self.demo_answers = 0

    def load(self, answers: list[Answer]) -> None:
        """Fill an empty table with every published answer at once (what `replace` per person
        would give, counted in one pass)."""
        counts: Counter = Counter()
        chains: dict[tuple[int, str], list[Answer]] = defaultdict(list)
        for answer in answers:
            self.answers_of.setdefault(answer.person, []).append(answer)
            if answer.kind != QUICK:
                self.person_of[answer.experience_id] = answer.person
            if answer.kind == STORY:
                counts[(answer.profile, _report_offset(answer))] += 1
            self.demo_answers += answer.is_demo
            chains[(answer.person, answer.exercise)].append(answer)
        for key, chain in chains.items():
            if len(chain) == 1 or len({answer.profile for answer in chain}) == 1:
                newest = _newest_first(chain)[0]
                counts.update((newest.profile, offset) for offset in _answer_offsets(newest))
            else:
                self.mixed[key] = _newest_first(chain)
        for person, own in self.answers_of.items():
            profiles = frozenset(answer.profile for answer in own)
            if len(profiles) == 1:
                self.people[next(iter(profiles))] += 1
            else:
                self.spread[person] = profiles
        for (profile, offset), count in counts.items():
            vector = self.vectors.get(profile)
            if vector is None:
                vector = self.vectors[profile] = [0] * LENGTH
            vector[offset] += count
            self.total[offset] += count

    def replace(self, person: int, answers: list[Answer]) -> None:
        """Make `answers` this person's published answers (none: the person counts no more)."""
        old = self.answers_of.pop(person, [])
        if old:
            self._count(person, old, -1)
            for answer in old:
                if answer.kind != QUICK:
                    self.person_of.pop(answer.experience_id, None)
        if answers:
            self.answers_of[person] = answers
            self.person_of.update(
                (answer.experience_id, person) for answer in answers if answer.kind != QUICK
            )
            self._count(person, answers, 1)

    def _count(self, person: int, answers: list[Answer], sign: int) -> None:
        profiles = frozenset(answer.profile for answer in answers)
        if len(profiles) == 1:
            self.people[next(iter(profiles))] += sign
        elif sign > 0:
            self.spread[person] = profiles
        else:
            del self.spread[person]
        chains: dict[str, list[Answer]] = defaultdict(list)
        for answer in answers:
            self._add(answer.profile, _count_report, answer, sign)
            self.demo_answers += sign * answer.is_demo
            chains[answer.exercise].append(answer)
        for exercise, chain in chains.items():
            if len({answer.profile for answer in chain}) == 1:
                newest = _newest_first(chain)[0]
                self._add(newest.profile, _count_answer, newest, sign)
            elif sign > 0:
                self.mixed[(person, exercise)] = _newest_first(chain)
            else:
                del self.mixed[(person, exercise)]

    def _add(self, profile: Profile, count, answer: Answer, sign: int) -> None:
        vector = self.vectors.get(profile)
        if vector is None:
            vector = self.vectors[profile] = [0] * LENGTH
        count(vector, answer, sign)
        count(self.total, answer, sign)

    def size(self, group: Group) -> int:
        """How many people have at least one published answer in the group's filters."""
        matches = matcher(group)
        single = sum(people for profile, people in self.people.items() if matches(profile))
        return single + sum(1 for profiles in self.spread.values() if any(map(matches, profiles)))

    def sizes_within(self, answers: Group, groups: list[Group]) -> list[int]:
        """`size` of each group made of some of `answers` (a member's own profile), in one
        pass: each profile is reduced to which answers it shares, at most 2^7 patterns."""
        wanted = [(PROFILE_POSITION[name], key) for name, key in answers.items()]
        bits = {name: 1 << bit for bit, name in enumerate(answers)}

        def shared(profile: Profile) -> int:
            return sum(1 << bit for bit, (at, key) in enumerate(wanted) if profile[at] == key)

        single: Counter = Counter()
        for profile, people in self.people.items():
            if people:
                single[shared(profile)] += people
        spread = [{shared(profile) for profile in profiles} for profiles in self.spread.values()]
        sizes = []
        for group in groups:
            need = sum(bits[name] for name in group)
            size = sum(people for mask, people in single.items() if mask & need == need)
            size += sum(1 for masks in spread if any(mask & need == need for mask in masks))
            sizes.append(size)
        return sizes

    def counts(self, group: Group) -> tuple[GroupCounts, GroupCounts]:
        """The group's counts and its baseline's (everyone outside the group, counted alike)."""
        matches = matcher(group)
        if group:
            inside = _summed(
                [vector for profile, vector in self.vectors.items() if matches(profile)]
            )
        else:
            inside = list(self.total)
        outside = [everyone - part for everyone, part in zip(self.total, inside, strict=True)]
        for chain in self.mixed.values():
            first_in = next((answer for answer in chain if matches(answer.profile)), None)
            first_out = next((answer for answer in chain if not matches(answer.profile)), None)
            if first_in:
                _count_answer(inside, first_in, 1)
            if first_out:
                _count_answer(outside, first_out, 1)
        return counts_from(self.size(group), inside), counts_from(0, outside)

"""The vector of counts insights keep per profile: its layout, and reading it back as tallies."""

from dataclasses import dataclass, field
from itertools import product

from forum.vocabulary import EXERCISE, INTENSITY, OUTCOME, STOP_REASON

# Quick answers say no intensity: their cells count in the row, never in a breakdown.
UNSTATED = "unstated"
INTENSITIES, OUTCOMES = [*INTENSITY, UNSTATED], list(OUTCOME)
FLARE_TIMES = ("same_day", "next_day", "later")
STOP_REASONS = tuple(STOP_REASON)
# One block of counts per exercise: people and flared per (intensity, outcome) of the counted
# answers, stories per intensity, people whose counted story was combined, flares by timing,
# people whose counted answer is a stopped follow-up (by reason), a quick answer, a follow-up.
CELL = {pair: n for n, pair in enumerate(product(INTENSITIES, OUTCOMES))}
FLARED_AT = len(CELL)
REPORTS_AT = 2 * len(CELL)
COMBINED_AT = REPORTS_AT + len(INTENSITIES)
FLARE_WHEN_AT = COMBINED_AT + 1
STOPPED_AT = FLARE_WHEN_AT + len(FLARE_TIMES)
QUICK_AT = STOPPED_AT + len(STOP_REASONS)
FOLLOWED_AT = QUICK_AT + 1
BLOCK = FOLLOWED_AT + 1
EXERCISE_AT = {exercise: n * BLOCK for n, exercise in enumerate(EXERCISE)}
LENGTH = BLOCK * len(EXERCISE)


@dataclass
class Tally:
    """Counts of one exercise (or one exercise at one intensity) in one set of people."""

    outcomes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOME, 0))
    flared: int = 0
    reports: int = 0
    combined: int = 0
    flare_when: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FLARE_TIMES, 0))
    stopped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STOP_REASONS, 0))
    quick: int = 0  # people whose counted answer is a quick answer
    followed_up: int = 0  # people whose counted answer is a follow-up

    @property
    def people(self) -> int:
        return sum(self.outcomes.values())


@dataclass
class GroupCounts:
    """Everything the insights of one set of people are computed from."""

    size: int
    exercises: dict[str, Tally]  # only exercise types with people
    intensities: dict[str, dict[str, Tally]]  # {exercise: {intensity: Tally}}


def counts_from(size: int, vector: list[int]) -> GroupCounts:
    """A vector of counts read back as tallies per exercise and per intensity."""
    exercises: dict[str, Tally] = {}
    intensities: dict[str, dict[str, Tally]] = {}
    for exercise, base in EXERCISE_AT.items():
        block = vector[base : base + BLOCK]
        if not any(block[: len(CELL)]):
            continue
        row = exercises[exercise] = Tally(combined=block[COMBINED_AT])
        row.flare_when = dict(zip(FLARE_TIMES, block[FLARE_WHEN_AT:STOPPED_AT], strict=True))
        row.stopped = dict(zip(STOP_REASONS, block[STOPPED_AT:QUICK_AT], strict=True))
        row.quick, row.followed_up = block[QUICK_AT], block[FOLLOWED_AT]
        cells = intensities[exercise] = {}
        for (intensity, outcome), cell in CELL.items():
            people, flared = block[cell], block[FLARED_AT + cell]
            if not people:
                continue
            tally = cells.setdefault(intensity, Tally())
            for target in (row, tally):
                target.outcomes[outcome] += people
                target.flared += flared
        for position, intensity in enumerate(INTENSITIES):
            reports = block[REPORTS_AT + position]
            row.reports += reports
            if intensity in cells:
                cells[intensity].reports = reports
    return GroupCounts(size=size, exercises=exercises, intensities=intensities)

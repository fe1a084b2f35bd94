"""Demo members: usernames and profiles spread over the vocabulary, deterministic per seed.

Each member has one onset story (family, detail, the event in their words, the year it
began), one severity, one condition and how long they had been ill when they joined: the
profile answers every one of their posts copies (`years_ill` is their answer on joining).
"""

import random
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from forum.clock import utcnow
from forum.demo.words import ONSET_EVENTS, USERNAME_FIRST, USERNAME_SECOND

SPAN_MINUTES = 3 * 365 * 24 * 60  # the demo community's history: about three years
PROFILE_WEIGHTS = {
    # The seed's two archetypes (desk job, car collision) are the commonest onset stories.
    "onset": {
        "sedentary": 24,
        "injury": 26,
        "illness": 18,
        "stress": 12,
        "gradual": 14,
        "other": 6,
    },
    "onset_detail": {
        "sedentary": {"desk_job": 72, "long_driving": 18, "other_sedentary": 10},
        "injury": {
            "car_collision": 52,
            "fall": 14,
            "sports_injury": 10,
            "surgery": 10,
            "work_injury": 8,
            "other_injury": 6,
        },
        "illness": {"viral_infection": 50, "covid": 30, "other_illness": 20},
        "stress": {"emotional_stress": 65, "trauma": 35},
    },
    # Some members leave a detail out even when their onset has one.
    "no_detail": 8,
    "severity": {"mild": 40, "moderate": 40, "severe": 15, "very_severe": 5},
    "severity_me_cfs": {"mild": 28, "moderate": 40, "severe": 23, "very_severe": 9},
    # How long they had been ill when they joined: years, per band (low, high).
    "years_ill": {"under_1": 12, "1_to_5": 42, "5_to_10": 26, "over_10": 20},
    "condition": {"fibromyalgia": 45, "me_cfs": 20, "both": 15, "suspected": 12, "other": 8},
    "symptom": {"pain": 40, "fatigue": 25, "sleep": 10, "mixed": 25},
    "age_band": {"under_30": 10, "30s": 22, "40s": 30, "50s": 25, "60_plus": 13},
}
YEARS_RANGE = {"under_1": (0.2, 0.9), "1_to_5": (1, 5), "5_to_10": (5, 10), "over_10": (10, 25)}
MINUTES_PER_YEAR = 365 * 24 * 60


@dataclass(frozen=True)
class DemoMember:
    index: int
    username: str
    onset: str
    condition: str
    symptom: str
    age_band: str | None
    minutes_ago: int
    onset_detail: str | None = None
    severity: str | None = None
    years_ill: str | None = None
    event: str = ""  # the onset in the member's own words, the same in every post
    onset_year: int = 0


def member_count(count: int) -> int:
    """How many members a community of `count` experiences has."""
    return max(12, count // 6)


def weighted(rng: random.Random, weights: dict[str, int]) -> str:
    """One key of `weights`, drawn in proportion to its weight."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _username(index: int, names: list[tuple[str, str]], style: int) -> str:
    first, second = names[index % len(names)]
    suffix = "" if index < len(names) else str(index // len(names) + 1)
    joined = (f"{first}{second}", f"{first}_{second}", f"{first.title()}{second.title()}")[style]
    return joined + suffix


def _onset_story(rng: random.Random, onset: str) -> tuple[str | None, str]:
    """A detail of the family (sometimes left out) and the event as the member tells it."""
    details = PROFILE_WEIGHTS["onset_detail"].get(onset)
    detail = weighted(rng, details) if details else None
    event = rng.choice(ONSET_EVENTS[detail or onset])
    if detail and rng.randrange(100) < PROFILE_WEIGHTS["no_detail"]:
        detail = None
    return detail, event


@lru_cache(maxsize=4)
def members(count: int, seed: int = 1) -> tuple[DemoMember, ...]:
    """The members of a community of `count` experiences, profiles spread over the vocabulary."""
    names = [(first, second) for first in USERNAME_FIRST for second in USERNAME_SECOND]
    random.Random(f"{seed}/names").shuffle(names)
    result = []
    now = utcnow()
    for index in range(member_count(count)):
        rng = random.Random(f"{seed}/member/{index}")
        condition = weighted(rng, PROFILE_WEIGHTS["condition"])
        symptoms = dict(PROFILE_WEIGHTS["symptom"])
        if condition in ("me_cfs", "both"):
            symptoms["fatigue"] *= 2
        onset = weighted(rng, PROFILE_WEIGHTS["onset"])
        detail, event = _onset_story(rng, onset)
        me_cfs = condition in ("me_cfs", "both")
        severity = weighted(rng, PROFILE_WEIGHTS["severity_me_cfs" if me_cfs else "severity"])
        years_ill = weighted(rng, PROFILE_WEIGHTS["years_ill"])
        # Everyone joined before the first demo story, so no one posts before joining.
        minutes_ago = rng.randrange(SPAN_MINUTES, SPAN_MINUTES + 60 * 24 * 60)
        ill_years = rng.uniform(*YEARS_RANGE[years_ill])
        ill_since = minutes_ago + int(ill_years * MINUTES_PER_YEAR)
        result.append(
            DemoMember(
                index=index,
                username=_username(index, names, rng.randrange(3)),
                onset=onset,
                condition=condition,
                symptom=weighted(rng, symptoms),
                # A few members leave their age out of their profile.
                age_band=weighted(rng, PROFILE_WEIGHTS["age_band"])
                if rng.random() > 0.04
                else None,
                minutes_ago=minutes_ago,
                onset_detail=detail,
                severity=severity if rng.random() > 0.05 else None,
                years_ill=years_ill if rng.random() > 0.05 else None,
                event=event,
                onset_year=(now - timedelta(minutes=ill_since)).year,
            )
        )
    return tuple(result)

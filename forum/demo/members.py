"""Demo members: usernames and profiles spread over the vocabulary, deterministic per seed."""

import random
from dataclasses import dataclass
from functools import lru_cache

from forum.demo.words import USERNAME_FIRST, USERNAME_SECOND

SPAN_MINUTES = 3 * 365 * 24 * 60  # the demo community's history: about three years
PROFILE_WEIGHTS = {
    "onset": {
        "sedentary": 20,
        "injury": 22,
        "illness": 20,
        "stress": 14,
        "gradual": 18,
        "other": 6,
    },
    "condition": {"fibromyalgia": 45, "me_cfs": 20, "both": 15, "suspected": 12, "other": 8},
    "symptom": {"pain": 40, "fatigue": 25, "sleep": 10, "mixed": 25},
    "age_band": {"under_30": 10, "30s": 22, "40s": 30, "50s": 25, "60_plus": 13},
}


@dataclass(frozen=True)
class DemoMember:
    index: int
    username: str
    onset: str
    condition: str
    symptom: str
    age_band: str | None
    minutes_ago: int


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


@lru_cache(maxsize=4)
def members(count: int, seed: int = 1) -> tuple[DemoMember, ...]:
    """The members of a community of `count` experiences, profiles spread over the vocabulary."""
    names = [(first, second) for first in USERNAME_FIRST for second in USERNAME_SECOND]
    random.Random(f"{seed}/names").shuffle(names)
    result = []
    for index in range(member_count(count)):
        rng = random.Random(f"{seed}/member/{index}")
        condition = weighted(rng, PROFILE_WEIGHTS["condition"])
        symptoms = dict(PROFILE_WEIGHTS["symptom"])
        if condition in ("me_cfs", "both"):
            symptoms["fatigue"] *= 2
        result.append(
            DemoMember(
                index=index,
                username=_username(index, names, rng.randrange(3)),
                onset=weighted(rng, PROFILE_WEIGHTS["onset"]),
                condition=condition,
                symptom=weighted(rng, symptoms),
                # A few members leave their age out of their profile.
                age_band=weighted(rng, PROFILE_WEIGHTS["age_band"])
                if rng.random() > 0.04
                else None,
                # Everyone joined before the first demo story, so no one posts before joining.
                minutes_ago=rng.randrange(SPAN_MINUTES, SPAN_MINUTES + 60 * 24 * 60),
            )
        )
    return tuple(result)

"""Deterministic synthetic members and experiences: the demo data and every benchmark's input.

`generate(count, seed)` yields `DemoExperience`s and `members(count, seed)` their authors; the
same seed always gives the same community. Each item has its own random stream derived from
(seed, index), so any slice can be generated on its own (the loader does that in parallel).
Outcomes follow the INVENTED patterns in `forum.demo.patterns` (see its docstring).
"""

import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from forum.clock import utcnow
from forum.demo import patterns, texts
from forum.demo.members import SPAN_MINUTES, DemoMember, member_count, members, weighted
from forum.demo.sentences import FLAG_NOTES
from forum.demo.words import (
    CONDITION_WORDS,
    EXERCISE_PLACES,
    EXERCISE_WORDS,
    PEOPLE,
    PLACES,
    PROFILE_TAGS,
    TAGS_ANY,
    TIMES_OF_DAY,
)
from forum.models.status import Status
from forum.vocabulary import OUTCOME_SCORE

EXERCISE_WEIGHTS = {
    "walking": 14, "yoga": 11, "tai_chi": 7, "qigong": 6, "stretching": 9, "pilates": 6,
    "swimming": 6, "aquatic_therapy": 6, "cycling": 6, "strength": 7, "running": 5, "hiit": 4,
    "dance": 4, "physio": 6, "other": 3,
}  # fmt: skip
# Words that promise an easy session: only in stories of gentle intensity.
SOFT_WORDS = ("gentle", "restorative", "chair", "yin", "slow")
FLAG_REASONS = ("spam", "misinformation", "personal_info", "other")

__all__ = ["DemoExperience", "DemoMember", "experience", "generate", "member_count", "members"]


@dataclass(frozen=True)
class DemoFlag:
    flagger: int  # member index
    reason: str
    note: str


@dataclass(frozen=True)
class DemoReply:
    author: int  # member index
    body: str
    minutes_ago: int
    flags: tuple[DemoFlag, ...] = ()


@dataclass(frozen=True)
class DemoExperience:
    index: int
    author: int  # member index
    author_username: str
    title: str
    body: str
    exercises: tuple[str, ...]
    intensity: str
    minutes_per_session: int | None
    sessions_per_week: int | None
    weeks_tried: int | None
    outcome: str
    flare: str
    effects: dict[str, str]
    tags: tuple[str, ...]
    onset: str
    condition: str
    symptom: str
    age_band: str | None
    status: Status  # published or pending
    minutes_ago: int
    onset_detail: str | None = None
    severity: str | None = None
    years_ill: str | None = None
    me_too: tuple[int, ...] = ()  # member indices
    replies: tuple[DemoReply, ...] = ()
    flags: tuple[DemoFlag, ...] = field(default=())

    def created_at(self, now: datetime | None = None) -> datetime:
        """When it was posted, counted back from `now` (default: the current time)."""
        return (now or utcnow()) - timedelta(minutes=self.minutes_ago)

    def as_dict(self, now: datetime | None = None) -> dict:
        """The contract's experience shape (without id and body_html), plus demo extras."""
        data = asdict(self)
        data["exercises"], data["tags"] = list(self.exercises), list(self.tags)
        data["author"] = {"username": data.pop("author_username")}
        data["me_too_count"], data["reply_count"] = len(self.me_too), len(self.replies)
        data["created_at"] = self.created_at(now)
        return data


def generate(count: int, seed: int = 1, start: int = 0, stop: int | None = None) -> Iterator:
    """Yield the experiences `start`..`stop` (default: all) of a community of `count`."""
    community = members(count, seed)
    for index in range(start, count if stop is None else min(stop, count)):
        yield experience(index, count, seed, community)


def _per_week_text(sessions: int) -> str:
    words = {1: "once a week", 2: "twice a week", 7: "every day", 14: "twice a day"}
    return words.get(sessions, f"{sessions} times a week")


def _dose(rng: random.Random, main: str) -> tuple[int, int, int]:
    if patterns.exercise_class(main) == "vigorous":
        minutes = rng.choice((20, 25, 30, 40, 45, 60))
    else:
        minutes = rng.choice((5, 10, 10, 15, 20, 20, 30, 45))
    sessions = rng.choice((1, 2, 2, 3, 3, 3, 4, 5, 7, 14 if main == "qigong" else 7))
    return minutes, sessions, rng.choice((2, 3, 4, 6, 8, 10, 12, 16, 20, 26, 40, 52, 104))


def _optional(rng: random.Random, value: int) -> int | None:
    return None if rng.random() < 0.08 else value


def exercise_word(rng: random.Random, exercise: str, intensity: str) -> str:
    """How the member names the exercise: "gentle yoga" only when the session was gentle."""
    words = EXERCISE_WORDS[exercise]
    if intensity != "gentle":
        words = [w for w in words if not any(soft in w for soft in SOFT_WORDS)] or words
    return rng.choice(words)


def _slots(
    rng: random.Random, author: DemoMember, exercises: list[str], intensity: str, dose: tuple
) -> dict:
    minutes, sessions, weeks = dose
    word = exercise_word(rng, exercises[0], intensity)
    second = exercise_word(rng, exercises[1], intensity) if len(exercises) > 1 else None
    return {
        "ex": word,
        "Ex": word[:1].upper() + word[1:],
        "ex2": second,
        "condition": rng.choice(CONDITION_WORDS[author.condition]),
        "event": author.event,
        "onset_year": author.onset_year,
        "detail": author.onset_detail,
        "person": rng.choice(PEOPLE),
        "minutes": minutes,
        "weeks": weeks,
        "rest_days": rng.randint(2, 3),
        "per_week": _per_week_text(sessions),
        "time_of_day": rng.choice(TIMES_OF_DAY),
        "place": rng.choice(EXERCISE_PLACES[exercises[0]]),
    }


def _tags(rng: random.Random, author: DemoMember, slots: dict, flare: str) -> tuple[str, ...]:
    """Tags that follow the story: its place, the author's onset and age, its flares."""
    chosen = set(rng.sample(TAGS_ANY, k=rng.choice((0, 1, 1, 2, 2, 3))))
    profile_tag = PROFILE_TAGS.get(author.onset_detail) or PROFILE_TAGS.get(author.onset)
    if profile_tag and rng.random() < 0.4:
        chosen.add(profile_tag)
    if PLACES[slots["place"]] and rng.random() < 0.4:
        chosen.add(PLACES[slots["place"]])
    if author.age_band == "60_plus" and rng.random() < 0.2:
        chosen.add("over-60")
    if author.age_band in ("40s", "50s") and rng.random() < 0.05:
        chosen.add("menopause")
    if flare != "none" and rng.random() < 0.3:
        chosen.add("flares")
    return tuple(sorted(chosen))


def _others(rng: random.Random, how_many: int, total: int, excluded: int) -> tuple[int, ...]:
    picked = rng.sample(range(total), k=min(total, how_many + 1))
    return tuple(index for index in picked if index != excluded)[:how_many]


def _flags(rng: random.Random, how_many: int, total: int, excluded: int) -> tuple[DemoFlag, ...]:
    result = []
    for flagger in _others(rng, how_many, total, excluded):
        reason = rng.choice(FLAG_REASONS)
        result.append(DemoFlag(flagger, reason, rng.choice(FLAG_NOTES[reason])))
    return tuple(result)


def _replies(rng: random.Random, slots: dict, total: int, minutes_ago: int) -> tuple:
    how_many = rng.choices((0, 1, 2, 3, 4), weights=(45, 25, 15, 9, 6))[0]
    result = []
    for _ in range(how_many):
        replier = rng.randrange(total)
        flags = _flags(rng, 1, total, replier) if rng.random() < 0.005 else ()
        result.append(
            DemoReply(replier, texts.reply(rng, slots), rng.randint(0, minutes_ago), flags)
        )
    return tuple(sorted(result, key=lambda reply: -reply.minutes_ago))


def experience(index: int, count: int, seed: int, community: tuple) -> DemoExperience:
    """Experience number `index` of a community of `count`; the same inputs give the same one."""
    rng = random.Random(f"{seed}/experience/{index}")
    author = community[int(len(community) * rng.random() ** 1.5)]
    main = weighted(rng, patterns.exercise_weights(EXERCISE_WEIGHTS, author.severity))
    exercises = [main]
    intensity = patterns.pick_intensity(rng, main)
    if rng.random() < 0.3:
        # Combined only with exercises done at the same intensity (no HIIT beside gentle yoga).
        extra = [key for key in EXERCISE_WEIGHTS if key != main and patterns.fits(key, intensity)]
        exercises += rng.sample(extra, k=rng.randint(1, 2))
    value = patterns.score(rng, author.onset, author.condition, main, intensity, author.severity)
    outcome = patterns.outcome_for(value)
    flare = patterns.flare_for(rng, value, intensity, author.condition)
    effects = patterns.effects_for(rng, value, main)
    dose = _dose(rng, main)
    slots = _slots(rng, author, exercises, intensity, dose)
    points = OUTCOME_SCORE[outcome]
    sign = "positive" if points > 0 else "negative" if points < 0 else "neutral"
    # The newest few wait for review; a steady trickle of published ones carry flags.
    pending = index >= count - max(4, count // 30) and index % 2 == 0
    minutes_ago = int((count - index) / count * SPAN_MINUTES) + rng.randint(0, 600)
    total = len(community)
    extras = {}
    if not pending:
        me_too = int(rng.expovariate(0.4)) + (1 if outcome == "helped_a_lot" else 0)
        extras = {
            "me_too": tuple(sorted(_others(rng, me_too, total, author.index))),
            "replies": _replies(rng, slots, total, minutes_ago),
            "flags": _flags(rng, rng.randint(1, 2), total, author.index) if index % 61 == 7 else (),
        }
    return DemoExperience(
        index=index,
        author=author.index,
        author_username=author.username,
        title=texts.title(rng, slots, sign),
        body=texts.body(rng, slots, sign, flare, effects),
        exercises=tuple(exercises),
        intensity=intensity,
        minutes_per_session=_optional(rng, dose[0]),
        sessions_per_week=_optional(rng, dose[1]),
        weeks_tried=_optional(rng, dose[2]),
        outcome=outcome,
        flare=flare,
        effects=effects,
        tags=_tags(rng, author, slots, flare),
        onset=author.onset,
        condition=author.condition,
        symptom=author.symptom,
        age_band=author.age_band,
        onset_detail=author.onset_detail,
        severity=author.severity,
        years_ill=author.years_ill,
        status=Status.PENDING if pending else Status.PUBLISHED,
        minutes_ago=minutes_ago,
        **extras,
    )

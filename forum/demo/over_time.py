"""Demo answers over time: follow-ups to some published stories, and quick answers.

Proportions (invented, like the rest of the demo, but shaped like what such forums report):
about one published story in six gets a follow-up a few weeks to months later; a third of
those say the author stopped, mostly after flare-ups when the story already reported them
or went badly, otherwise because of no effect, life or a switch to something else. Members
give quick answers ("I tried this too") for about one other exercise each on average; each
outcome is drawn from published stories of that exercise by people with the same onset, so
the patterns the generator programmed stay the patterns insights show.

Called once from the loader, inside its transaction, after the experiences are inserted.
"""

import random
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select

from forum.extensions import db
from forum.models import Experience, FollowUp, QuickAnswer, Status, User
from forum.sanitize import render_markdown

FOLLOW_UP_SHARE = 1 / 6
STOPPED_SHARE = 1 / 3
# How many quick answers a member gives: 0, 1, 2 or 3, weighted (about 1.1 on average).
QUICK_ANSWER_COUNTS = (3, 4, 2, 1)
PENDING_SHARE = 0.03
BATCH = 1000
WORSE = ("worse", "much_worse")
STILL_TEXTS = (
    "Still at it. Some weeks are better than others, but it has become part of my routine.",
    "Still doing it, a little less often. Pacing matters more than I thought.",
    "Still going. I added a rest day after every session and the flares eased.",
    "",
)
STOPPED_TEXTS = {
    "flare_ups": (
        "I crashed badly after a few longer sessions and had to stop.",
        "The flare-ups the day after got worse over time, so I stopped for now.",
    ),
    "no_effect": ("Nothing changed after all these weeks, so I let it go.",),
    "life": ("Work and family got in the way; I could not keep the sessions up.",),
    "switched": ("I moved on to something gentler that suits me better.",),
    "other": ("I stopped for reasons that have nothing to do with the exercise.",),
}


def _stop_reason(rng: random.Random, outcome: str, flare: str) -> str:
    if outcome in WORSE or flare != "none":
        return rng.choices(("flare_ups", "no_effect", "life", "switched"), (6, 1, 1, 1))[0]
    if outcome == "no_change":
        return rng.choices(("no_effect", "life", "switched", "other"), (5, 2, 2, 1))[0]
    return rng.choices(("life", "switched", "other", "flare_ups"), (4, 3, 1, 1))[0]


def _stopped_outcome(rng: random.Random, reason: str, outcome: str) -> tuple[str, str]:
    if reason == "flare_ups":
        return rng.choice(WORSE), rng.choice(("same_day", "next_day", "later"))
    if reason == "no_effect":
        return "no_change", "none"
    return outcome, "none"


def _still_outcome(rng: random.Random, outcome: str, flare: str) -> tuple[str, str]:
    """Those who keep going mostly say it held or got a little better."""
    steps = ("much_worse", "worse", "no_change", "helped", "helped_a_lot")
    position = steps.index(outcome) + rng.choices((-1, 0, 1), (1, 5, 3))[0]
    return steps[max(0, min(4, position))], flare if rng.random() < 0.5 else "none"


def load(first_experience_id: int, now: datetime, seed: int = 1) -> tuple[int, int]:
    """Insert follow-ups and quick answers for the demo experiences from this id on.

    Returns (follow-ups, quick answers) inserted.
    """
    rng = random.Random(f"over-time-{seed}")
    stories = db.session.execute(
        select(
            Experience.id, Experience.author_id, Experience.main_exercise, Experience.outcome,
            Experience.flare, Experience.onset, Experience.published_at,
        )
        .where(
            Experience.id >= first_experience_id,
            Experience.is_demo.is_(True),
            Experience.status == Status.PUBLISHED,
        )
        .order_by(Experience.id)
    ).all()  # fmt: skip
    rendered: dict[str, str] = {}
    next_id = (db.session.scalar(select(func.max(FollowUp.id))) or 0) + 1
    follow_ups = []
    for story_id, author_id, _exercise, outcome, flare, _onset, published_at in stories:
        if author_id is None or published_at is None or rng.random() >= FOLLOW_UP_SHARE:
            continue
        created = min(now, published_at + timedelta(weeks=rng.randint(3, 30)))
        still = rng.random() >= STOPPED_SHARE
        if still:
            reason = None
            new_outcome, new_flare = _still_outcome(rng, outcome, flare)
            body = rng.choice(STILL_TEXTS)
        else:
            reason = _stop_reason(rng, outcome, flare)
            new_outcome, new_flare = _stopped_outcome(rng, reason, outcome)
            body = rng.choice(STOPPED_TEXTS[reason])
        if body not in rendered:
            rendered[body] = render_markdown(body) if body else ""
        pending = rng.random() < PENDING_SHARE
        follow_ups.append(
            {
                "id": next_id,
                "experience_id": story_id,
                "author_id": author_id,
                "still_doing": still,
                "stop_reason": reason,
                "outcome": new_outcome,
                "flare": new_flare,
                "body": body,
                "body_html": rendered[body],
                "status": Status.PENDING if pending else Status.PUBLISHED,
                "flag_count": 0,
                "is_demo": True,
                "created_at": created,
                "submitted_at": created,
                "published_at": None if pending else created,
            }
        )
        next_id += 1
    for start in range(0, len(follow_ups), BATCH):
        db.session.execute(insert(FollowUp.__table__), follow_ups[start : start + BATCH])
    quick = _quick_answers(rng, stories, now)
    for start in range(0, len(quick), BATCH):
        db.session.execute(insert(QuickAnswer.__table__), quick[start : start + BATCH])
    return len(follow_ups), len(quick)


def _quick_answers(rng: random.Random, stories: list, now: datetime) -> list[dict]:
    """About one quick answer per demo member, for an exercise their stories do not cover."""
    outcomes: dict[tuple, list[tuple[str, str]]] = defaultdict(list)
    covered: dict[int, set[str]] = defaultdict(set)
    for _id, author_id, exercise, outcome, flare, onset, _published in stories:
        outcomes[(exercise, onset)].append((outcome, flare))
        covered[author_id].add(exercise)
    exercises = sorted({key[0] for key in outcomes})
    if not exercises:
        return []
    members = db.session.execute(
        select(User.id, User.onset, User.condition, User.symptom, User.age_band)
        .where(User.is_demo.is_(True), User.role == "member")
        .order_by(User.id)
    ).all()
    rows = []
    for user_id, onset, condition, symptom, age_band in members:
        count = rng.choices((0, 1, 2, 3), QUICK_ANSWER_COUNTS)[0]
        choices = [key for key in exercises if key not in covered[user_id]]
        for exercise in rng.sample(choices, min(count, len(choices))):
            pool = outcomes.get((exercise, onset)) or outcomes[(exercise, _any(outcomes, exercise))]
            outcome, flare = rng.choice(pool)
            moment = now - timedelta(minutes=rng.randint(10, 60 * 24 * 200))
            rows.append(
                {
                    "user_id": user_id,
                    "exercise": exercise,
                    "outcome": outcome,
                    "flare": flare,
                    "onset": onset,
                    "condition": condition,
                    "symptom": symptom,
                    "age_band": age_band,
                    "is_demo": True,
                    "created_at": moment,
                    "updated_at": moment,
                }
            )
    return rows


def _any(outcomes: dict, exercise: str):
    """Some onset with stories of this exercise (the first one, for determinism)."""
    return next(onset for key, onset in sorted(outcomes, key=str) if key == exercise)

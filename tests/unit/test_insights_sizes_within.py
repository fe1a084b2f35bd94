"""A member's default group sizes every group made of their answers in one pass; each size is
the same as the group's own size (people with several profiles included)."""

import random
from datetime import datetime, timedelta
from itertools import combinations

from forum.insights.people import Answer, PeopleTable
from forum.vocabulary import INSIGHTS_FIELDS

KEYS = {name: list(vocabulary)[:2] + [None] for name, vocabulary in INSIGHTS_FIELDS.items()}


def test_sizes_within_match_size_for_every_group_of_own_answers():
    rng = random.Random(4)
    answers, start = [], datetime(2026, 1, 1)
    for story in range(600):
        person = rng.randrange(150)
        profile = tuple(rng.choice(KEYS[name]) for name in INSIGHTS_FIELDS)
        answers.append(
            Answer(
                story, person, rng.choice(("walking", "yoga")), profile,
                start + timedelta(hours=story), "gentle", "helped", "none", False, False,
            )
        )  # fmt: skip
    table = PeopleTable()
    table.load(answers)
    assert table.spread, "some people posted under several profiles"
    own = {name: KEYS[name][0] for name in INSIGHTS_FIELDS}
    groups = [
        {name: own[name] for name in kept}
        for size in range(len(own) + 1)
        for kept in combinations(own, size)
    ]
    assert table.sizes_within(own, groups) == [table.size(group) for group in groups]

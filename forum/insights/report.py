"""One group's counts as the contract's response: people, shares, intervals, suppression."""

from forum.insights.stats import (
    difference_interval,
    difference_p_value,
    holm_rejections,
    wilson_interval,
)
from forum.insights.suppression import Pattern
from forum.insights.vectors import UNSTATED, GroupCounts, Tally
from forum.vocabulary import EXERCISE, INTENSITY, OUTCOME

# The multiple-comparison correction applied before anything is called "beyond chance".
CORRECTION = "holm"


def share(part: int, whole: int) -> float | None:
    """part/whole rounded to three places; None when there is no one to divide by."""
    return round(part / whole, 3) if whole else None


def helped(tally: Tally) -> int:
    """People whose answer was helped or helped a lot."""
    return tally.outcomes["helped_a_lot"] + tally.outcomes["helped"]


def rounded(interval: tuple[float, float]) -> list[float]:
    return [round(interval[0], 3), round(interval[1], 3)]


def numbers(tally: Tally) -> dict:
    """The numbers of one cell with at least min_reports people."""
    people = tally.people
    worse = tally.outcomes["worse"] + tally.outcomes["much_worse"]
    return {
        "people": people,
        "reports": tally.reports,
        "outcomes": {outcome: tally.outcomes.get(outcome, 0) for outcome in OUTCOME},
        "helped_share": share(helped(tally), people),
        "helped_ci": rounded(wilson_interval(helped(tally), people)),
        "worse_share": share(worse, people),
        "flare_share": share(tally.flared, people),
    }


def in_vocabulary_order(keys, vocabulary) -> list[str]:
    order = {key: index for index, key in enumerate(vocabulary)}
    return sorted(keys, key=lambda key: (order.get(key, len(order)), key))


def _intensity_breakdown(cells: dict[str, Tally], shown_keys: list[str]) -> dict:
    """Per-intensity numbers of the cells the suppression pattern shows; every other intensity
    of the vocabulary is listed as suppressed (0 people looks like 1 to min_reports - 1)."""
    return {
        "intensities": [{"intensity": key, **numbers(cells[key])} for key in shown_keys],
        "intensities_suppressed": [key for key in INTENSITY if key not in shown_keys],
    }


def stopped(tally: Tally, minimum: int) -> dict:
    """How many of the row's people stopped (their latest word is a follow-up saying so), and
    why; `people` is None (and no reason is named) below `minimum`. A reason with fewer than
    `minimum` people is suppressed, and more of them while the suppressed ones could be
    recovered by subtraction."""
    people = sum(tally.stopped.values())
    if people < minimum:
        return {"people": None, "reasons": {}, "reasons_suppressed": []}
    shown = {key: count for key, count in tally.stopped.items() if count >= minimum}
    hidden = {key for key, count in tally.stopped.items() if 0 < count < minimum}
    while shown and 0 < sum(tally.stopped[key] for key in hidden) < minimum:
        smallest = min(shown, key=lambda key: (shown[key], key))
        hidden.add(smallest)
        del shown[smallest]
    return {
        "people": people,
        "reasons": shown,
        "reasons_suppressed": [key for key in tally.stopped if key in hidden],
    }


def answers_from(tally: Tally) -> dict:
    """Where the row's people's counted answers came from."""
    return {
        "stories": tally.people - tally.quick - tally.followed_up,
        "follow_ups": tally.followed_up,
        "quick_answers": tally.quick,
    }


def _ranking_key(tally: Tally) -> tuple:
    # The lower Wilson bound: a few glowing answers must not outrank many good ones.
    return (-wilson_interval(helped(tally), tally.people)[0], -tally.people)


def _baseline(outside: Tally | None, minimum: int, everyone_shown: bool) -> dict:
    """Everyone outside the group, counted the same way; no numbers for fewer than minimum,
    nor when everyone's row is suppressed (group + outside would give it back)."""
    people = outside.people if outside else 0
    if people < minimum or not everyone_shown:
        return {"people": None, "reports": None, "helped_share": None, "helped_ci": None}
    return {
        "people": people,
        "reports": outside.reports,
        "helped_share": share(helped(outside), people),
        "helped_ci": rounded(wilson_interval(helped(outside), people)),
    }


def _difference(row: Tally, outside: Tally) -> tuple[float, list[float], float]:
    """(difference in helped share, its Newcombe interval, the p-value), row minus outside."""
    counts = (helped(row), row.people, helped(outside), outside.people)
    difference = helped(row) / row.people - helped(outside) / outside.people
    return round(difference, 3), rounded(difference_interval(*counts)), difference_p_value(*counts)


def mark_beyond_chance(rows: list[dict], p_values: dict[int, float]) -> None:
    """Set each row's beyond_chance after the correction across the rows that have a test."""
    tested = list(p_values)
    rejected = holm_rejections([p_values[index] for index in tested])
    verdicts = dict(zip(tested, rejected, strict=True))
    for index, row in enumerate(rows):
        row["beyond_chance"] = verdicts.get(index, False)


def build(
    group: dict,
    counts: GroupCounts,
    outside: GroupCounts,
    pattern: Pattern,
    minimum: int,
    detail: bool,
):
    """The response for one group beside everyone outside it (without wider_groups).

    What is shown is what the suppression pattern of the whole lattice shows: every cell under
    `minimum` people is hidden, and so are the cells that would let a hidden one be derived.
    """
    response = {"filters": dict(group), "min_reports": minimum, "correction": CORRECTION}
    if pattern.group_size(group) is None:
        return {**response, "group_size": None, "exercises": [], "suppressed": list(EXERCISE)}
    shown = {
        key: tally
        for key, tally in counts.exercises.items()
        if pattern.row_shown(group, key) and tally.people >= minimum
    }
    rows, p_values = [], {}
    for key in sorted(shown, key=lambda key: (*_ranking_key(shown[key]), key)):
        tally, everyone = shown[key], outside.exercises.get(key)
        row = {"exercise": key, **numbers(tally), "combined": tally.combined}
        row["flare_when"] = dict(tally.flare_when)
        row["stopped"] = stopped(tally, minimum)
        row["answers_from"] = answers_from(tally)
        row["baseline"] = _baseline(everyone, minimum, pattern.row_shown({}, key))
        row["helped_share_difference"] = row["helped_share_difference_ci"] = None
        if row["baseline"]["people"] is not None:
            difference, interval, p_values[len(rows)] = _difference(tally, everyone)
            row["helped_share_difference"], row["helped_share_difference_ci"] = difference, interval
        if detail:
            cells = counts.intensities[key]
            # Quick answers state no intensity: their cell is counted in the row, never shown.
            keys = [i for i in cells if i != UNSTATED and pattern.intensity_shown(group, key, i)]
            row.update(_intensity_breakdown(cells, in_vocabulary_order(keys, INTENSITY)))
        rows.append(row)
    mark_beyond_chance(rows, p_values)
    return {
        **response,
        "group_size": counts.size,
        "exercises": rows,
        "suppressed": [key for key in EXERCISE if key not in shown],
    }

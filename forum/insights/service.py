"""Insights for a group: counts become the contract's response, suppressed and ranked."""

from flask import current_app

from forum.insights.cube import Group, GroupCounts, Tally, app_cube
from forum.insights.stats import difference_interval, wilson_interval
from forum.vocabulary import EXERCISE, INTENSITY, OUTCOME


def min_reports() -> int:
    """Fewer reports than this are never shown (the setting cannot go below 3)."""
    return current_app.config["INSIGHTS_MIN_REPORTS"]


def _share(part: int, whole: int) -> float:
    return round(part / whole, 3)


def _helped(tally: Tally) -> int:
    return tally.outcomes["helped_a_lot"] + tally.outcomes["helped"]


def _numbers(tally: Tally) -> dict:
    """The contract's numbers for one cell with at least min_reports reports."""
    reports = tally.reports
    worse = tally.outcomes["worse"] + tally.outcomes["much_worse"]
    low, high = wilson_interval(_helped(tally), reports)
    return {
        "reports": reports,
        "outcomes": {outcome: tally.outcomes.get(outcome, 0) for outcome in OUTCOME},
        "helped_share": _share(_helped(tally), reports),
        "helped_ci": [round(low, 3), round(high, 3)],
        "worse_share": _share(worse, reports),
        "flare_share": _share(tally.flared, reports),
    }


def _in_vocabulary_order(keys, vocabulary) -> list[str]:
    order = {key: index for index, key in enumerate(vocabulary)}
    return sorted(keys, key=lambda key: (order.get(key, len(order)), key))


def _intensity_breakdown(cells: dict[str, Tally], minimum: int) -> dict:
    """Per-intensity numbers; cells under `minimum` are suppressed, and so are more of them
    while the suppressed ones could be recovered by subtracting the shown ones from the row.
    """
    shown = {key: tally for key, tally in cells.items() if tally.reports >= minimum}
    hidden = {key for key, tally in cells.items() if 0 < tally.reports < minimum}
    while shown and 0 < sum(cells[key].reports for key in hidden) < minimum:
        smallest = min(shown, key=lambda key: (shown[key].reports, key))
        hidden.add(smallest)
        del shown[smallest]
    return {
        "intensities": [
            {"intensity": key, **_numbers(shown[key])}
            for key in _in_vocabulary_order(shown, INTENSITY)
        ],
        "intensities_suppressed": _in_vocabulary_order(hidden, INTENSITY),
    }


def _ranking_key(tally: Tally) -> tuple:
    # The lower Wilson bound: a few glowing reports must not outrank many good ones.
    return (-wilson_interval(_helped(tally), tally.reports)[0], -tally.reports)


def insights(group: Group, *, detail: bool = False) -> dict:
    """What worked for the group, beside everyone (the baseline), in the contract's shape.

    `detail` adds each exercise's breakdown by intensity. A group smaller than
    min_reports gets no numbers at all (not even its size) and every exercise suppressed.
    """
    counts, everyone = app_cube().counts(group, {})
    return _report(group, counts, everyone, detail)


def _report(group: Group, counts: GroupCounts, baseline: GroupCounts, detail: bool) -> dict:
    minimum = min_reports()
    response = {"filters": dict(group), "min_reports": minimum}
    if counts.size < minimum:
        return {**response, "group_size": None, "exercises": [], "suppressed": list(EXERCISE)}
    shown = {key: tally for key, tally in counts.exercises.items() if tally.reports >= minimum}
    rows = []
    for key in sorted(shown, key=lambda key: (*_ranking_key(shown[key]), key)):
        everyone = baseline.exercises[key]
        row = {"exercise": key, **_numbers(shown[key])}
        row["baseline"] = {
            "reports": everyone.reports,
            "helped_share": _share(_helped(everyone), everyone.reports),
        }
        if detail:
            row.update(_intensity_breakdown(counts.intensities[key], minimum))
        rows.append(row)
    suppressed = [key for key in counts.exercises if key not in shown]
    return {
        **response,
        "group_size": counts.size,
        "exercises": rows,
        "suppressed": _in_vocabulary_order(suppressed, EXERCISE),
    }


def _helped_counts(row: dict) -> tuple[int, int]:
    return row["outcomes"]["helped_a_lot"] + row["outcomes"]["helped"], row["reports"]


def _comparison_row(exercise: str, row_a: dict | None, row_b: dict | None) -> dict:
    def brief(row):
        if row is None:
            return None
        return {key: row[key] for key in ("reports", "helped_share", "helped_ci")}

    comparison = {"exercise": exercise, "a": brief(row_a), "b": brief(row_b)}
    comparison["helped_share_difference"] = comparison["helped_share_difference_ci"] = None
    if row_a is not None and row_b is not None:
        (helped_a, reports_a), (helped_b, reports_b) = _helped_counts(row_a), _helped_counts(row_b)
        low, high = difference_interval(helped_a, reports_a, helped_b, reports_b)
        comparison["helped_share_difference"] = round(
            helped_a / reports_a - helped_b / reports_b, 3
        )
        comparison["helped_share_difference_ci"] = [round(low, 3), round(high, 3)]
    return comparison


def compare(group_a: Group, group_b: Group, *, detail: bool = False) -> dict:
    """Two groups' insights side by side, with the difference in helped share (a minus b)."""
    counts_a, counts_b, everyone = app_cube().counts(group_a, group_b, {})
    first = _report(group_a, counts_a, everyone, detail)
    second = _report(group_b, counts_b, everyone, detail)
    rows_a = {row["exercise"]: row for row in first["exercises"]}
    rows_b = {row["exercise"]: row for row in second["exercises"]}
    exercises = _in_vocabulary_order(set(rows_a) | set(rows_b), EXERCISE)
    return {
        "min_reports": first["min_reports"],
        "a": first,
        "b": second,
        "exercises": [_comparison_row(key, rows_a.get(key), rows_b.get(key)) for key in exercises],
    }

"""Insights for a group: people counted once, beside everyone outside it; two groups compared."""

from itertools import combinations

from flask import current_app

from forum.insights import report
from forum.insights.cube import app_cube
from forum.insights.people import Group
from forum.insights.stats import difference_interval, difference_p_value
from forum.insights.suppression import Pattern, answerable_group
from forum.vocabulary import EXERCISE, INSIGHTS_FIELDS


def min_reports() -> int:
    """Fewer people than this are never shown (the setting cannot go below 3)."""
    return current_app.config["INSIGHTS_MIN_REPORTS"]


def complementary() -> bool:
    """Whether cells that would let a hidden one be derived are hidden too: always in
    production; a development or test server may turn it off (INSIGHTS_LATTICE_PROTECTION)."""
    return current_app.config.get("INSIGHTS_LATTICE_PROTECTION", True)


def widen_below() -> int:
    """Groups with fewer people than this are offered their nearest wider groups."""
    return current_app.config["INSIGHTS_WIDEN_BELOW"]


def wider_groups(group: Group, size: int, pattern: Pattern) -> list[dict]:
    """When the group is too narrow (or its size is not shown), each group that drops one of
    its filters, with its size (null where the suppression pattern hides it)."""
    if size >= widen_below() and pattern.group_size(group) is not None:
        return []
    wider = [{k: v for k, v in group.items() if k != name} for name in INSIGHTS_FIELDS]
    wider = [candidate for candidate in wider if len(candidate) < len(group)]
    return [{"filters": group, "group_size": pattern.group_size(group)} for group in wider]


def insights(group: Group, *, detail: bool = False, view: str = "all") -> dict:
    """What worked for the group, beside everyone outside it, in the contract's shape.

    `detail` adds each exercise's breakdown by intensity. A group smaller than min_reports
    people gets no numbers at all (not even its size) and every exercise suppressed.
    `view="long_term"` counts only answers "after 3 months or more": follow-ups, and stories
    tried for 13 weeks or more (each person's latest among those).
    """
    key = (
        "insights",
        tuple(sorted(group.items())),
        detail,
        view,
        min_reports(),
        widen_below(),
        complementary(),
    )
    return app_cube().remembered(key, lambda: _insights(group, detail, view))


def _insights(group: Group, detail: bool, view: str = "all") -> dict:
    pattern, ((counts, outside),) = app_cube().protected_counts(
        min_reports(), complementary(), group, view=view
    )
    response = report.build(group, counts, outside, pattern, min_reports(), detail)
    response["view"] = view
    response["wider_groups"] = wider_groups(group, counts.size, pattern)
    return response


def default_group(answers: dict[str, str]) -> tuple[Group, list[str]]:
    """The narrowest group built from a member's own profile answers that has enough people.

    Drops as few answers as possible; among groups dropping as many, the one with the fewest
    people that still reaches the size wins (when none does, nothing is dropped). Only groups
    insights answer are candidates (suppression.answerable_group). Returns the group and the
    answers dropped.
    """
    given = [name for name in INSIGHTS_FIELDS if answers.get(name)]
    own = {name: answers[name] for name in given}
    levels = [
        [
            ({name: answers[name] for name in given if name not in dropped}, list(dropped))
            for dropped in combinations(given, dropped_count)
            # Without onset but with its detail: the same group as with both, tried already.
            if not (
                "onset" in dropped and "onset_detail" in given and "onset_detail" not in dropped
            )
            and answerable_group({name: answers[name] for name in given if name not in dropped})
        ]
        for dropped_count in range(len(given) + 1)
    ]
    # Every candidate sized at once: one pass over the profiles (memoized per group).
    app_cube().sizes_within(own, [group for level in levels for group, _ in level])
    for candidates in levels:
        sizes = app_cube().sizes_within(own, [group for group, _ in candidates])
        big_enough = [
            (size, position)
            for position, size in enumerate(sizes)
            if size >= widen_below() and size >= min_reports()
        ]
        if big_enough:
            return candidates[min(big_enough)[1]]
    # Even everyone is too few: dropping answers would not help, so keep the first answerable.
    return next(level[0] for level in levels if level)


def patterns_invented() -> bool:
    """Whether demo stories are among those counted: their patterns were programmed in."""
    return app_cube().has_demo_answers()


def _brief(row: dict | None) -> dict | None:
    if row is None:
        return None
    return {key: row[key] for key in ("people", "reports", "helped_share", "helped_ci")}


def _helped_counts(row: dict) -> tuple[int, int]:
    return row["outcomes"]["helped_a_lot"] + row["outcomes"]["helped"], row["people"]


def compare(group_a: Group, group_b: Group, *, detail: bool = False) -> dict:
    """Two groups side by side, with the difference in helped share (a minus b) per exercise.

    Each difference gets its Newcombe interval on people; "beyond chance" is decided after
    the correction across every exercise both groups show.
    """
    pattern, ((counts_a, outside_a), (counts_b, outside_b)) = app_cube().protected_counts(
        min_reports(), complementary(), group_a, group_b
    )
    first = report.build(group_a, counts_a, outside_a, pattern, min_reports(), detail)
    second = report.build(group_b, counts_b, outside_b, pattern, min_reports(), detail)
    first["view"] = second["view"] = "all"
    first["wider_groups"] = wider_groups(group_a, counts_a.size, pattern)
    second["wider_groups"] = wider_groups(group_b, counts_b.size, pattern)
    rows_a = {row["exercise"]: row for row in first["exercises"]}
    rows_b = {row["exercise"]: row for row in second["exercises"]}
    rows, p_values = [], {}
    for key in report.in_vocabulary_order(set(rows_a) | set(rows_b), EXERCISE):
        row_a, row_b = rows_a.get(key), rows_b.get(key)
        row = {"exercise": key, "a": _brief(row_a), "b": _brief(row_b)}
        row["helped_share_difference"] = row["helped_share_difference_ci"] = None
        if row_a is not None and row_b is not None:
            counts = (*_helped_counts(row_a), *_helped_counts(row_b))
            row["helped_share_difference"] = round(counts[0] / counts[1] - counts[2] / counts[3], 3)
            row["helped_share_difference_ci"] = report.rounded(difference_interval(*counts))
            p_values[len(rows)] = difference_p_value(*counts)
        rows.append(row)
    report.mark_beyond_chance(rows, p_values)
    return {
        "min_reports": first["min_reports"],
        "correction": report.CORRECTION,
        "a": first,
        "b": second,
        "exercises": rows,
    }

"""What the insights pages show: plain-language group names, story links, charts per row."""

from urllib.parse import urlencode

from forum.insights.charts import diverging_bar, interval_strip
from forum.insights.cube import Group
from forum.vocabulary import CONDITION, EXERCISE, INTENSITY, OUTCOME

MINUS = "\u2212"  # the typographic minus, as wide as the plus
ONSET_PHRASES = {
    "sedentary": "desk-job or sitting onset",
    "injury": "injury onset",
    "illness": "onset after an illness",
    "stress": "onset after stress or trauma",
    "gradual": "gradual onset",
    "other": "another kind of onset",
}
SYMPTOM_PHRASES = {
    "pain": "mainly pain",
    "fatigue": "mainly fatigue",
    "sleep": "mainly sleep problems",
    "mixed": "mixed symptoms",
}
AGE_PHRASES = {
    "under_30": "under 30",
    "30s": "in their 30s",
    "40s": "in their 40s",
    "50s": "in their 50s",
    "60_plus": "60 or over",
}


def describe_group(group: Group) -> str:
    """A group in plain words, such as: injury onset, Fibromyalgia; or: everyone."""
    parts = [
        ONSET_PHRASES.get(group.get("onset", ""), ""),
        CONDITION.get(group.get("condition", ""), ""),
        SYMPTOM_PHRASES.get(group.get("symptom", ""), ""),
        AGE_PHRASES.get(group.get("age_band", ""), ""),
    ]
    return ", ".join(part for part in parts if part) or "everyone"


def stories_url(exercise: str, group: Group, intensity: str | None = None) -> str:
    """The experiences list filtered to the stories behind one bar."""
    params = {"exercise": exercise, **group}
    if intensity:
        params["intensity"] = intensity
    return "/experiences?" + urlencode(params)


def percent(share: float) -> str:
    return f"{round(share * 100)}%"


def signed(difference: float) -> str:
    """A difference of shares in whole percentage points with its sign: +19, −4, 0."""
    value = round(difference * 100)
    if value == 0:
        return "0"
    sign = "+" if value > 0 else MINUS
    return f"{sign}{abs(value)}"


def points(difference: float) -> str:
    """A signed difference in words: +19 points, −1 point, or no difference."""
    value = signed(difference)
    if value == "0":
        return "no difference"
    return f"{value} point{'' if value[1:] == '1' else 's'}"


def _bar_label(name: str, numbers: dict) -> str:
    counts = ", ".join(
        f"{OUTCOME[outcome].lower()} {count}" for outcome, count in numbers["outcomes"].items()
    )
    return f"{name}, {numbers['reports']} reports: {counts}."


def _strip_label(name: str, numbers: dict, baseline_share: float) -> str:
    low, high = numbers["helped_ci"]
    return (
        f"{name}: helped {percent(numbers['helped_share'])}, 95% interval {percent(low)} to "
        f"{percent(high)}; everyone {percent(baseline_share)}."
    )


def present_row(row: dict, group: Group) -> dict:
    """One exercise of an insights response, ready for the page."""
    name = EXERCISE.get(row["exercise"], row["exercise"])
    baseline_share = row["baseline"]["helped_share"]
    return {
        "numbers": row,
        "name": name,
        "stories": stories_url(row["exercise"], group),
        "bar": diverging_bar(row["outcomes"], _bar_label(name, row)),
        "strip": interval_strip(
            row["helped_share"],
            row["helped_ci"],
            baseline_share,
            _strip_label(name, row, baseline_share),
        ),
        "difference": points(row["helped_share"] - baseline_share),
        "intensities": [
            {
                "numbers": cell,
                "name": INTENSITY.get(cell["intensity"], cell["intensity"]),
                "stories": stories_url(row["exercise"], group, cell["intensity"]),
                "bar": diverging_bar(
                    cell["outcomes"],
                    _bar_label(f"{name}, {INTENSITY.get(cell['intensity'], '')}", cell),
                ),
            }
            for cell in row.get("intensities", [])
        ],
        "intensities_suppressed": [
            INTENSITY.get(key, key) for key in row.get("intensities_suppressed", [])
        ],
    }


def _difference_text(comparison: dict) -> str | None:
    if comparison["helped_share_difference"] is None:
        return None
    low, high = comparison["helped_share_difference_ci"]
    return (
        f"{signed(comparison['helped_share_difference'])} points "
        f"(95% interval {signed(low)} to {signed(high)} points)"
    )


def present_comparison(result: dict) -> list[dict]:
    """Rows of a comparison: each exercise with both groups' bars where they have numbers."""
    groups = {side: result[side]["filters"] for side in ("a", "b")}
    rows = {side: {r["exercise"]: r for r in result[side]["exercises"]} for side in ("a", "b")}
    presented = []
    for comparison in result["exercises"]:
        key = comparison["exercise"]
        presented.append(
            {
                "comparison": comparison,
                "name": EXERCISE.get(key, key),
                "difference": _difference_text(comparison),
                "sides": {
                    side: present_row(rows[side][key], groups[side]) if key in rows[side] else None
                    for side in ("a", "b")
                },
            }
        )
    return presented

"""What the insights pages show: plain-language group names, story links, charts per row."""

from urllib.parse import urlencode

from forum.insights.charts import diverging_bar, interval_strip
from forum.insights.people import Group
from forum.vocabulary import (
    CONDITION,
    EXERCISE,
    INTENSITY,
    ONSET_DETAIL,
    OUTCOME,
    STOP_REASON,
    YEARS_ILL,
)

FLARE_WHEN = {"same_day": "same day", "next_day": "next day", "later": "2 or more days after"}
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


# A profile answer, named in "we left out your answer about ...".
FIELD_NAMES = {
    "onset": "how your symptoms began",
    "condition": "your condition",
    "symptom": "your main symptom",
    "age_band": "your age",
    "onset_detail": "what started it",
    "severity": "how severe your illness is",
    "years_ill": "how long you have been ill",
}
SEVERITY_PHRASES = {
    "mild": "mild",
    "moderate": "moderate",
    "severe": "severe",
    "very_severe": "very severe",
}


def describe_group(group: Group) -> str:
    """A group in plain words, such as: injury onset, Fibromyalgia; or: everyone."""
    detail = ONSET_DETAIL.get(group.get("onset_detail", ""), "")
    severity = SEVERITY_PHRASES.get(group.get("severity", ""), "")
    parts = [
        f"onset: {detail[0].lower()}{detail[1:]}"
        if detail
        else ONSET_PHRASES.get(group.get("onset", ""), ""),
        CONDITION.get(group.get("condition", ""), ""),
        SYMPTOM_PHRASES.get(group.get("symptom", ""), ""),
        AGE_PHRASES.get(group.get("age_band", ""), ""),
        f"{severity} illness" if severity else "",
        f"ill {YEARS_ILL[group['years_ill']].lower()}"
        if group.get("years_ill") in YEARS_ILL
        else "",
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
    return f"{name}, {numbers['people']} people: {counts}."


def _strip_label(name: str, numbers: dict, baseline_share: float | None) -> str:
    low, high = numbers["helped_ci"]
    label = (
        f"{name}: helped {percent(numbers['helped_share'])}, 95% interval {percent(low)} to "
        f"{percent(high)}"
    )
    if baseline_share is None:
        return label + "."
    return label + f"; everyone outside this group {percent(baseline_share)}."


def _difference_from_baseline(row: dict) -> str | None:
    if row.get("helped_share_difference") is None:
        return None
    low, high = row["helped_share_difference_ci"]
    return (
        f"{points(row['helped_share_difference'])} (95% interval {signed(low)} to {signed(high)})"
    )


def present_wider(wider_groups: list[dict]) -> list[dict]:
    """The wider groups offered to a narrow one: plain name, size and the page address."""
    return [
        {
            "described": describe_group(wider["filters"]),
            "group_size": wider["group_size"],
            "url": "/insights?" + urlencode({"onset": "", **wider["filters"]}),
        }
        for wider in wider_groups
    ]


def _stopped_text(stopped: dict | None) -> str | None:
    """ "7 people stopped: flare-ups 5" (reasons with too few people are not named)."""
    if not stopped or stopped["people"] is None:
        return None
    reasons = ", ".join(
        f"{STOP_REASON.get(key, key).lower()} {count}" for key, count in stopped["reasons"].items()
    )
    text = f"{stopped['people']} of them stopped"
    return f"{text}: {reasons}" if reasons else text


def _answers_from_text(sources: dict | None) -> str | None:
    """Where the counted answers came from: stories (and their follow-ups), quick answers."""
    if not sources:
        return None
    stories = sources["stories"] + sources["follow_ups"]
    quick = sources["quick_answers"]
    return (
        f"Answers from {stories} {'story' if stories == 1 else 'stories'} "
        f"({sources['follow_ups']} updated by a follow-up) and "
        f"{quick} quick {'answer' if quick == 1 else 'answers'}"
    )


def present_row(row: dict, group: Group) -> dict:
    """One exercise of an insights response, ready for the page."""
    name = EXERCISE.get(row["exercise"], row["exercise"])
    baseline_share = row["baseline"]["helped_share"]
    return {
        "flare_when": ", ".join(
            f"{FLARE_WHEN[time]} {count}" for time, count in row.get("flare_when", {}).items()
        ),
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
        "difference": _difference_from_baseline(row),
        "key": row["exercise"],
        "stopped": _stopped_text(row.get("stopped")),
        "answers_from": _answers_from_text(row.get("answers_from")),
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
        f"{points(comparison['helped_share_difference'])} "
        f"(95% interval {signed(low)} to {signed(high)})"
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

"""How an experience reads at a glance: the one-line structured summary."""

from forum.models import Experience
from forum.vocabulary import EFFECT_AREAS, label

OUTCOME_WORDS = {
    "helped_a_lot": "helped a lot",
    "helped": "helped",
    "no_change": "no change",
    "worse": "worse",
    "much_worse": "much worse",
}
FLARE_WORDS = {
    "none": "no flare",
    "same_day": "flare the same day",
    "next_day": "flare the next day",
    "later": "flare 2+ days later",
}


def dose(experience: Experience) -> str:
    """ "20 min × 5/week for 12 weeks", with whichever of the three numbers were given."""
    parts = []
    if experience.minutes_per_session:
        parts.append(f"{experience.minutes_per_session} min")
    if experience.sessions_per_week:
        prefix = "× " if parts else ""
        parts.append(f"{prefix}{experience.sessions_per_week}/week")
    if experience.weeks_tried:
        unit = "week" if experience.weeks_tried == 1 else "weeks"
        parts.append(f"for {experience.weeks_tried} {unit}")
    return " ".join(parts)


def summary_line(experience: Experience) -> str:
    """For example "Qigong · gentle · 20 min × 5/week for 12 weeks → helped; no flare;
    pain better, sleep better". Plain text: templates escape it."""
    head = [", ".join(label("exercise", key) for key in experience.exercises)]
    head.append(label("intensity", experience.intensity).lower())
    if dose(experience):
        head.append(dose(experience))
    # A draft may lack any of these: what is missing is left out.
    tail = [OUTCOME_WORDS.get(experience.outcome, experience.outcome or "")]
    tail.append(FLARE_WORDS.get(experience.flare, experience.flare or ""))
    effects = experience.effects
    if effects:
        tail.append(
            ", ".join(f"{area} {effects[area]}" for area in EFFECT_AREAS if area in effects)
        )
    return " · ".join(part for part in head if part) + " → " + "; ".join(p for p in tail if p)

"""The INVENTED outcome model behind the demo data; it is not evidence of anything.

Each demo experience gets a hidden score: a lean that depends on the author's onset story and
on the class of the main exercise, an adjustment for intensity, and random noise. The score
decides the outcome, the chance and timing of flare-ups, and the pain/fatigue/sleep effects.
The leans are made up so that the insights page has patterns to show:

- injury onset: gentle movement (walking, yoga, tai chi, qigong, stretching, aquatic therapy)
  tends to help; vigorous exercise (HIIT, running, strength) tends to flare;
- sedentary onset: the reverse tendency, vigorous exercise doing better than gentle;
- illness onset: gentle helps a little, vigorous does badly (a post-exertional-crash story);
- stress, gradual and other onsets: mild leans only;
- severity: the more severe the illness, the worse hard sessions go (vigorous intensity and
  vigorous exercises), most of all with ME/CFS; severe members also pick vigorous exercise
  less often.
"""

import math
import random

GENTLE = frozenset({"walking", "yoga", "tai_chi", "qigong", "stretching", "aquatic_therapy"})
VIGOROUS = frozenset({"hiit", "running", "strength"})

# Invented leans per onset and exercise class, in outcome-score units (-2 .. +2).
LEAN = {
    "injury": {"gentle": 0.9, "middle": 0.2, "vigorous": -1.0},
    "sedentary": {"gentle": 0.0, "middle": 0.4, "vigorous": 0.9},
    "illness": {"gentle": 0.5, "middle": -0.1, "vigorous": -0.9},
    "stress": {"gentle": 0.6, "middle": 0.3, "vigorous": 0.1},
    "gradual": {"gentle": 0.3, "middle": 0.2, "vigorous": -0.2},
    "other": {"gentle": 0.3, "middle": 0.1, "vigorous": -0.1},
}
INTENSITY_LEAN = {"gentle": 0.1, "moderate": 0.0, "vigorous": -0.2}
# Members with ME/CFS pay more for hard sessions in this invented world.
ME_CFS_VIGOROUS_LEAN = -0.4
# Invented: what a hard session (vigorous intensity or a vigorous exercise) costs per severity,
# half again with ME/CFS; and how often each severity picks a vigorous exercise at all.
SEVERITY_HARD_LEAN = {"mild": 0.0, "moderate": -0.3, "severe": -1.0, "very_severe": -1.4}
SEVERITY_GENTLE_LEAN = {"severe": 0.2, "very_severe": 0.2}
SEVERITY_VIGOROUS_CHOICE = {"moderate": 0.7, "severe": 0.35, "very_severe": 0.1}
NOISE = 0.9

# How often each intensity is reported for each exercise class.
INTENSITY_WEIGHTS = {
    "gentle": {"gentle": 80, "moderate": 20, "vigorous": 0},
    "middle": {"gentle": 30, "moderate": 55, "vigorous": 15},
    "vigorous": {"gentle": 0, "moderate": 35, "vigorous": 65},
}


def exercise_class(exercise: str) -> str:
    """gentle, middle or vigorous: the class the invented leans are given for."""
    if exercise in GENTLE:
        return "gentle"
    if exercise in VIGOROUS:
        return "vigorous"
    return "middle"


def pick_intensity(rng: random.Random, exercise: str) -> str:
    """An intensity that fits the exercise (nobody reports vigorous qigong)."""
    weights = INTENSITY_WEIGHTS[exercise_class(exercise)]
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def score(
    rng: random.Random,
    onset: str,
    condition: str,
    exercise: str,
    intensity: str,
    severity: str | None = None,
) -> float:
    """The hidden outcome score of one experience: invented lean plus noise."""
    kind = exercise_class(exercise)
    lean = LEAN.get(onset, LEAN["other"])[kind]
    lean += INTENSITY_LEAN[intensity]
    me_cfs = condition in ("me_cfs", "both")
    if intensity == "vigorous" and me_cfs:
        lean += ME_CFS_VIGOROUS_LEAN
    if intensity == "vigorous" or kind == "vigorous":
        lean += SEVERITY_HARD_LEAN.get(severity, 0.0) * (1.5 if me_cfs else 1.0)
    elif intensity == "gentle":
        lean += SEVERITY_GENTLE_LEAN.get(severity, 0.0)
    return lean + rng.gauss(0.0, NOISE)


def exercise_weights(weights: dict[str, int], severity: str | None) -> dict[str, float]:
    """The exercise weights a member of this severity picks from (vigorous ones rarer)."""
    factor = SEVERITY_VIGOROUS_CHOICE.get(severity, 1.0)
    return {key: w * (factor if key in VIGOROUS else 1) for key, w in weights.items()}


def fits(exercise: str, intensity: str) -> bool:
    """Whether anyone reports this exercise at this intensity (no gentle HIIT, vigorous qigong)."""
    return INTENSITY_WEIGHTS[exercise_class(exercise)][intensity] > 0


def outcome_for(value: float) -> str:
    """The outcome key a score falls into."""
    if value > 1.3:
        return "helped_a_lot"
    if value > 0.35:
        return "helped"
    if value > -0.35:
        return "no_change"
    if value > -1.2:
        return "worse"
    return "much_worse"


def flare_for(rng: random.Random, value: float, intensity: str, condition: str) -> str:
    """Flares are likelier the lower the score; hard sessions flare sooner, ME/CFS later."""
    chance = 1.0 / (1.0 + math.exp(1.3 * value + 0.4))
    if rng.random() >= chance:
        return "none"
    if condition in ("me_cfs", "both"):
        return rng.choices(("same_day", "next_day", "later"), weights=(1, 3, 4))[0]
    if intensity == "vigorous":
        return rng.choices(("same_day", "next_day", "later"), weights=(4, 4, 1))[0]
    return rng.choices(("same_day", "next_day", "later"), weights=(2, 4, 2))[0]


def effects_for(rng: random.Random, value: float, exercise: str) -> dict[str, str]:
    """Pain, fatigue and sleep effects that follow the score; each one is sometimes left out."""
    effects = {}
    for area in ("pain", "fatigue", "sleep"):
        if rng.random() < 0.15:
            continue
        lean = value + rng.gauss(0.0, 0.7)
        # Invented: gentle, slow practices are reported as better for sleep.
        if area == "sleep" and exercise_class(exercise) == "gentle":
            lean += 0.3
        effects[area] = "better" if lean > 0.5 else "worse" if lean < -0.5 else "same"
    return effects

"""The contract's controlled vocabulary: stable keys with the labels members read."""

from types import MappingProxyType

from forum.models.status import Status

ONSET = MappingProxyType(
    {
        "sedentary": "Desk job or long sitting",
        "injury": "Injury: accident, collision, fall or surgery",
        "illness": "An infection or illness",
        "stress": "Emotional stress or trauma",
        "gradual": "Gradual, no clear trigger",
        "other": "Something else",
    }
)
# The second level of onset: each detail belongs to one family (a key of ONSET); gradual and
# other have none. A detail outside the family given is refused (forum.fields.OnsetDetailRule).
ONSET_DETAILS = {
    "injury": {
        "car_collision": "Car or road collision",
        "fall": "A fall",
        "sports_injury": "Sports injury",
        "surgery": "Surgery",
        "work_injury": "Injury at work",
        "other_injury": "Another injury",
    },
    "sedentary": {
        "desk_job": "Years at a desk job",
        "long_driving": "Long hours of driving",
        "other_sedentary": "Other long sitting",
    },
    "illness": {
        "viral_infection": "A viral infection (flu, glandular fever...)",
        "covid": "COVID-19",
        "other_illness": "Another illness",
    },
    "stress": {"emotional_stress": "Emotional stress", "trauma": "Trauma"},
}
ONSET_DETAIL = MappingProxyType(
    {key: text for details in ONSET_DETAILS.values() for key, text in details.items()}
)
ONSET_FAMILY = MappingProxyType(
    {key: family for family, details in ONSET_DETAILS.items() for key in details}
)
ONSET_DETAILS = MappingProxyType(
    {family: MappingProxyType(details) for family, details in ONSET_DETAILS.items()}
)
# How ill: the usual ME/CFS severity scale (NICE 2021), in the members' words.
SEVERITY = MappingProxyType(
    {
        "mild": "Mild: looking after yourself and light tasks, often still working or studying "
        "by giving up leisure and social life",
        "moderate": "Moderate: reduced mobility, everyday activities limited, "
        "usually no longer working or studying, rest needed often",
        "severe": "Severe: only the smallest daily tasks (washing, brushing teeth), "
        "mostly housebound, a wheelchair when out",
        "very_severe": "Very severe: in bed all day, depending on care",
    }
)
YEARS_ILL = MappingProxyType(
    {
        "under_1": "Less than a year",
        "1_to_5": "1 to 5 years",
        "5_to_10": "5 to 10 years",
        "over_10": "More than 10 years",
    }
)
CONDITION = MappingProxyType(
    {
        "fibromyalgia": "Fibromyalgia",
        "me_cfs": "ME/CFS",
        "both": "Both fibromyalgia and ME/CFS",
        "suspected": "Suspected, not diagnosed",
        "other": "Other chronic widespread pain",
    }
)
SYMPTOM = MappingProxyType(
    {"pain": "Pain", "fatigue": "Fatigue", "sleep": "Sleep", "mixed": "A mix of these"}
)
AGE_BAND = MappingProxyType(
    {"under_30": "Under 30", "30s": "30s", "40s": "40s", "50s": "50s", "60_plus": "60 or over"}
)
EXERCISE = MappingProxyType(
    {
        "walking": "Walking",
        "yoga": "Yoga",
        "tai_chi": "Tai chi",
        "qigong": "Qigong",
        "stretching": "Stretching",
        "pilates": "Pilates",
        "swimming": "Swimming",
        "aquatic_therapy": "Aquatic therapy",
        "cycling": "Cycling",
        "strength": "Strength training",
        "running": "Running",
        "hiit": "HIIT",
        "dance": "Dance",
        "physio": "Physiotherapy exercises",
        "other": "Other",
    }
)
INTENSITY = MappingProxyType({"gentle": "Gentle", "moderate": "Moderate", "vigorous": "Vigorous"})
OUTCOME = MappingProxyType(
    {
        "helped_a_lot": "Helped a lot",
        "helped": "Helped",
        "no_change": "No change",
        "worse": "Made things worse",
        "much_worse": "Made things much worse",
    }
)
OUTCOME_SCORE = MappingProxyType(
    {"helped_a_lot": 2, "helped": 1, "no_change": 0, "worse": -1, "much_worse": -2}
)
FLARE = MappingProxyType(
    {
        "none": "No flare-up",
        "same_day": "Flare-up the same day",
        "next_day": "Flare-up the next day",
        "later": "Flare-up two or more days after",
    }
)
EFFECT = MappingProxyType({"better": "Better", "same": "Same", "worse": "Worse"})
EFFECT_AREAS = ("pain", "fatigue", "sleep")
STATUS = MappingProxyType(
    {
        Status.PENDING: "Waiting for review",
        Status.PUBLISHED: "Published",
        Status.REJECTED: "Not approved",
        Status.HIDDEN: "Hidden",
        Status.DELETED: "Deleted",
        Status.DRAFT: "Draft",
    }
)
ROLE = MappingProxyType({"member": "Member", "moderator": "Moderator", "admin": "Admin"})
FLAG_REASON = MappingProxyType(
    {
        "spam": "Spam or advertising",
        "misinformation": "Harmful medical misinformation",
        "harassment": "Harassment",
        "personal_info": "Personal information",
        "other": "Something else",
    }
)
STOP_REASON = MappingProxyType(
    {
        "flare_ups": "Flare-ups",
        "no_effect": "No effect",
        "life": "Life got in the way",
        "switched": "Moved on to something else",
        "other": "Something else",
    }
)

# Who may read an experience: `members` keeps it from visitors who are not signed in.
VISIBILITY = MappingProxyType(
    {"public": "Everyone, signed in or not", "members": "Signed-in members only"}
)
PUBLIC, MEMBERS_ONLY = "public", "members"
# The share_profile radios of the forms: they post "true" or "false", which schemas load.
SHARE_PROFILE = MappingProxyType(
    {
        "true": "Yes: show my onset, condition, main symptom and age band",
        "false": "No: keep them to me and the moderators",
    }
)


def share_profile_choice(shared: bool) -> str:
    """The SHARE_PROFILE key a form shows checked for a stored choice."""
    return "true" if shared else "false"


# The member profile fields that "people like me" groups on: a story's "about me", which
# share_profile=False hides from all but its author and moderators (and from their filters).
# The schemas that take or show them build their fields from here (forum.fields.ProfileAnswers).
PROFILE_FIELDS = MappingProxyType(
    {
        "onset": ONSET,
        "condition": CONDITION,
        "symptom": SYMPTOM,
        "age_band": AGE_BAND,
        "onset_detail": ONSET_DETAIL,
        "severity": SEVERITY,
        "years_ill": YEARS_ILL,
    }
)

# The groups insights answer for: the filter lattice whose every count is protected by
# suppression (forum/insights/suppression.py). The first four combine freely; a group that uses
# onset detail, severity or years ill has at most MOST_FILTERS_WITH_DETAILS filters (onset with
# its detail is one), which keeps the lattice small enough to protect in full.
INSIGHTS_FIELDS = PROFILE_FIELDS
FREELY_COMBINED = ("onset", "condition", "symptom", "age_band")
MOST_FILTERS_WITH_DETAILS = 2

TAXONOMY = MappingProxyType(
    {
        "onset": ONSET,
        "onset_detail": ONSET_DETAIL,
        "severity": SEVERITY,
        "years_ill": YEARS_ILL,
        "condition": CONDITION,
        "symptom": SYMPTOM,
        "age_band": AGE_BAND,
        "exercise": EXERCISE,
        "intensity": INTENSITY,
        "outcome": OUTCOME,
        "flare": FLARE,
        "effect": EFFECT,
        "status": STATUS,
        "role": ROLE,
        "flag_reason": FLAG_REASON,
        "stop_reason": STOP_REASON,
    }
)


def detail_within(onset: str | None, detail: str | None) -> str | None:
    """The detail when it belongs to the onset family, else None: changing the family alone
    (a partial edit, a profile default) drops a detail of another family."""
    return detail if detail and ONSET_FAMILY.get(detail) == onset else None


def label(vocabulary: str, key: str | None) -> str:
    """The human label for a key, or the key itself when it is unknown."""
    if key is None:
        return ""
    return TAXONOMY[vocabulary].get(key, key)

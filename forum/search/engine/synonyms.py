"""The contract's exercise spellings, folded into one canonical word at index and query time."""

import re
from types import MappingProxyType

# Canonical word -> the spellings members use. The canonical words are made-up single
# tokens, so the stemmer leaves them alone and no ordinary word collides with them.
SPELLINGS = MappingProxyType(
    {
        "taichi": (r"t[’'`]?ai[\s-]*(?:chi|ji)(?:[\s-]*chuan)?",),
        "qigong": (r"(?:qi|chi)[\s-]*(?:gong|kung)",),
        "hiit": (
            r"hiit",
            r"(?:high[\s-]+intensity[\s-]+)?interval[\s-]+training",
        ),
        "aquatictherapy": (
            r"aqua(?:tic)?[\s-]*(?:therapy|exercises?|aerobics|fitness)",
            r"water[\s-]+(?:aerobics|exercises?|therapy)",
            r"hydrotherapy",
            r"aqua",
        ),
        "strengthtraining": (
            r"strength(?:[\s-]+training)?",
            r"weight[\s-]*(?:training|lifting)",
            r"weights",
            r"resistance[\s-]+(?:training|exercises?|bands?)",
        ),
    }
)

# Exercise key (contract vocabulary) -> the word its stories are indexed under.
EXERCISE_WORDS = MappingProxyType(
    {
        "tai_chi": "taichi",
        "qigong": "qigong",
        "hiit": "hiit",
        "aquatic_therapy": "aquatictherapy",
        "strength": "strengthtraining",
    }
)

# What a member reads when a suggestion or highlight names a canonical word.
CANONICAL_LABELS = MappingProxyType(
    {
        "taichi": "tai chi",
        "qigong": "qigong",
        "hiit": "hiit",
        "aquatictherapy": "aquatic therapy",
        "strengthtraining": "strength training",
    }
)

_alternatives = [(f"(?P<{word}>{'|'.join(patterns)})") for word, patterns in SPELLINGS.items()]
SPELLING_PATTERN = re.compile(r"(?<!\w)(?:" + "|".join(_alternatives) + r")(?!\w)", re.IGNORECASE)


def canonical_word(match: re.Match) -> str:
    """The canonical word for a SPELLING_PATTERN match."""
    return match.lastgroup or ""


def canonicalise(text: str) -> str:
    """`text` with every known exercise spelling replaced by its canonical word."""
    return SPELLING_PATTERN.sub(canonical_word, text)


def exercise_words(exercise_key: str) -> str:
    """The words an exercise key is indexed under ("walking" stays "walking")."""
    return EXERCISE_WORDS.get(exercise_key, exercise_key.replace("_", " "))

"""Words members use for one thing, folded into one canonical word at index and query time:
the contract's exercise spellings, and the community's words for conditions, symptoms and
what happens after exercise (ME/CFS, fibro, PEM, GET, pacing, flares, car collisions...)."""

import re
from functools import lru_cache
from types import MappingProxyType


# A scoped flag: inside (?-i:...) letters must match in the case written. Used for acronyms
# whose lowercase form is an ordinary word: "GET" is graded exercise therapy, "get" is not;
# "ME" is the illness, "me" is not; "FM" is fibromyalgia, "fm" is not.
def _exact(*acronyms: str) -> str:
    return r"(?-i:" + "|".join(acronyms) + r")"


# Canonical word -> the spellings members use. The canonical words are made-up single
# tokens (or, for "flare" and "pacing", the word itself), so the stemmer leaves them alone
# and no ordinary word collides with them. Order matters where two spellings start alike:
# the first group listed wins ("fibro fog" is brain fog before "fibro" is fibromyalgia;
# "car crash" is a collision before "crash" is post-exertional malaise).
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
        # The community's words (CONCEPTS below).
        "brainfog": (
            r"brain[\s-]*fog(?:gy)?",
            r"(?:fibro|cog(?:nitive)?)[\s-]+fog(?:gy)?",
        ),
        "mecfs": (
            r"me[\s-]*/[\s-]*cfs",
            r"cfs[\s-]*/[\s-]*me",
            r"m\.e\.(?:[\s-]*/[\s-]*cfs)?",
            r"myalgic[\s-]+encephalo(?:myelitis|myelopathy|pathy)",
            r"chronic[\s-]+fatigue(?:[\s-]+(?:immune[\s-]+dysfunction[\s-]+)?syndrome)?",
            r"cfs",
            _exact("ME", "CFIDS", "SEID"),
        ),
        "fibromyalgia": (
            r"fibro(?:myalgi[ac])?(?:[\s-]+syndrome)?",
            _exact("FMS", "FM"),
        ),
        "postexertionalmalaise": (
            r"(?:post[\s-]*)?exertional[\s-]+(?:malaise|symptom[\s-]+exacerbation)",
            r"post[\s-]*exertional[\s-]+neuroimmune[\s-]+exhaustion",
            r"pem|payback",
            # Not a bike or a car crash (those start earlier, see "carcollision"), not a course.
            r"crash(?<!bike crash)(?<!cycling crash)(?<!bicycle crash)(?<!motorbike crash)"
            r"(?<!motorcycle crash)(?:es|ed|ing)?(?![\s-]+(?:course|diet|helmet))",
            _exact("PESE", "PENE"),
        ),
        "gradedexercisetherapy": (
            r"graded[\s-]+(?:exercise|exercising|activity)(?:[\s-]+therapy)?",
            _exact("GET", "GAT"),
        ),
        "pacing": (
            r"pacing(?:[\s-]+(?:myself|yourself))?",
            r"(?:pace|paced|paces)[\s-]+(?:myself|yourself)",
            r"energy[\s-]+envelope",
            r"activity[\s-]+management",
            r"spoon[\s-]+theory",
        ),
        "flare": (
            r"flare[\s-]*ups?",
            r"flares?|flared|flaring",
            r"bad[\s-]+(?:days?|spells?|patch(?:es)?)",
        ),
        "carcollision": (
            r"(?:car|road(?:[\s-]+traffic)?|traffic|motor(?:[\s-]+vehicle)?|auto(?:mobile)?"
            r"|vehicle)[\s-]+(?:accidents?|collisions?|crash(?:es)?|wrecks?|smash(?:es)?)",
            r"rear[\s-]+ended|hit[\s-]+by[\s-]+a[\s-]+car",
            _exact("RTA", "RTC", "MVA", "MVC"),
        ),
        "longcovid": (
            r"long[\s-]+covid(?:[\s-]*19)?",
            r"post[\s-]*covid(?:[\s-]*19)?(?:[\s-]+(?:syndrome|condition))?",
            r"long[\s-]+haul(?:ers?)?",
            _exact("PASC"),
        ),
        "posturaltachycardia": (
            r"postural[\s-]+(?:orthostatic[\s-]+)?tachycardia(?:[\s-]+syndrome)?",
            _exact("POTS"),
        ),
    }
)

# The community's words: a story saying "car accident" is also found by "accident", so
# their own words are indexed next to the canonical word (analysis.concept_words); an
# exercise spelling's words ("chi" of "tai chi") mean nothing alone and are not.
CONCEPTS = frozenset(
    (
        "brainfog",
        "mecfs",
        "fibromyalgia",
        "postexertionalmalaise",
        "gradedexercisetherapy",
        "pacing",
        "flare",
        "carcollision",
        "longcovid",
        "posturaltachycardia",
    )
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
        "brainfog": "brain fog",
        "mecfs": "ME/CFS",
        "fibromyalgia": "fibromyalgia",
        "postexertionalmalaise": "post-exertional malaise",
        "gradedexercisetherapy": "graded exercise therapy",
        "pacing": "pacing",
        "flare": "flare",
        "carcollision": "car collision",
        "longcovid": "long covid",
        "posturaltachycardia": "POTS",
    }
)

# Words of the community's vocabulary that spelling suggestions may offer even when no
# published story holds them now: a fixed list in the code, never taken from user content.
DOMAIN_WORDS = frozenset(
    """
    fibromyalgia fibro myalgic myalgia encephalomyelitis exertional malaise fatigue chronic
    syndrome qigong pacing flare flares payback crash graded exercise therapy tachycardia
    postural orthostatic collision accident whiplash physiotherapy hydrotherapy aquatic
    aerobics pilates yoga walking swimming stretching cycling strength resistance interval
    stamina exhaustion insomnia stiffness inflammation migraine arthritis hypermobility
    neuropathy dysautonomia covid envelope symptom symptoms neuroimmune exacerbation
    """.split()  # noqa: SIM905 (a list of words reads better as words)
)

# Groups whose spellings hold a spelling of another group listed here, and so decide what
# that one matches ("car crash" is no PEM crash; "fibro fog" is no fibromyalgia).
SHADOWED_BY = MappingProxyType(
    {"postexertionalmalaise": ("carcollision",), "fibromyalgia": ("brainfog",)}
)


def _pattern(words) -> re.Pattern:
    alternatives = [f"(?P<{word}>{'|'.join(SPELLINGS[word])})" for word in words]
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


SPELLING_PATTERN = _pattern(SPELLINGS)


@lru_cache(maxsize=256)
def spelling_pattern_for(words: frozenset[str]) -> re.Pattern:
    """A pattern finding exactly what SPELLING_PATTERN finds for these canonical words and
    every exercise spelling, and nothing of the other community words: a third of its cost
    for highlights, which run it over every hit's text."""
    wanted = set(words) & set(SPELLINGS) | (set(SPELLINGS) - CONCEPTS)
    wanted |= {other for word in wanted for other in SHADOWED_BY.get(word, ())}
    return _pattern(word for word in SPELLINGS if word in wanted)


def canonical_word(match: re.Match) -> str:
    """The canonical word for a SPELLING_PATTERN match."""
    return match.lastgroup or ""


def canonicalise(text: str) -> str:
    """`text` with every known spelling replaced by its canonical word."""
    return SPELLING_PATTERN.sub(canonical_word, text)


def exercise_words(exercise_key: str) -> str:
    """The words an exercise key is indexed under ("walking" stays "walking")."""
    return EXERCISE_WORDS.get(exercise_key, exercise_key.replace("_", " "))

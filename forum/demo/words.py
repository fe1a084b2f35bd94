"""Word lists for the demo texts: how members name exercises, misspellings, names and tags."""

# The spellings members really use, so search synonyms and misspellings get exercised.
EXERCISE_WORDS = {
    "walking": ("walking", "short walks", "nordic walking", "walking the dog round the block"),
    "yoga": ("yoga", "gentle yoga", "restorative yoga", "chair yoga", "yin yoga", "hatha yoga"),
    "tai_chi": ("tai chi", "taiji", "t'ai chi", "tai-chi", "Tai Chi", "taiji quan"),
    "qigong": ("qigong", "chi kung", "qi gong", "Qigong", "standing qigong"),
    "stretching": ("stretching", "a stretching routine", "gentle stretches", "morning stretches"),
    "pilates": ("pilates", "mat pilates", "reformer pilates", "Pilates"),
    "swimming": ("swimming", "swimming lengths", "breaststroke", "slow laps in the pool"),
    "aquatic_therapy": (
        "aquatic therapy",
        "water aerobics",
        "aqua classes",
        "hydrotherapy",
        "warm-water exercise",
        "aqua aerobics",
    ),
    "cycling": ("cycling", "a stationary bike", "the exercise bike", "a recumbent bike"),
    "strength": (
        "weights",
        "resistance training",
        "strength training",
        "resistance bands",
        "lifting weights",
    ),
    "running": ("running", "jogging", "couch to 5k", "parkrun"),
    "hiit": ("HIIT", "interval training", "high-intensity intervals", "a HIIT class"),
    "dance": ("dance", "dancing", "a dance class", "Zumba", "ballroom dancing"),
    "physio": (
        "physio exercises",
        "my physio's programme",
        "physiotherapy exercises",
        "graded exercises from the physio",
    ),
    "other": ("gardening", "climbing stairs", "rowing", "feldenkrais", "horse riding"),
}

# Applied now and then to a whole body: (correct, misspelt), first occurrence only.
MISSPELLINGS = (
    ("fibromyalgia", "fibromyalga"),
    ("fibromyalgia", "fibromialgia"),
    ("qigong", "qigon"),
    ("exercise", "excercise"),
    ("definitely", "definately"),
    ("muscles", "muscels"),
    ("stretches", "streches"),
    ("tai chi", "tai chee"),
    ("pilates", "pilatis"),
    ("separate", "seperate"),
    ("really", "realy"),
    ("physio", "fysio"),
)

CONDITION_WORDS = {
    "fibromyalgia": ("fibromyalgia", "fibro", "fibromyalgia"),
    "me_cfs": ("ME/CFS", "ME", "chronic fatigue", "CFS"),
    "both": ("fibromyalgia and ME/CFS", "fibro and ME", "fibromyalgia with chronic fatigue"),
    "suspected": ("what my GP thinks is fibromyalgia", "suspected fibro", "probable ME"),
    "other": ("chronic widespread pain", "widespread pain", "chronic pain"),
}

# How members tell their onset, per detail (per family for gradual and other, which have none).
ONSET_EVENTS = {
    "desk_job": (
        "taking a desk job and sitting for 8-10 hours a day",
        "years at a desk, 8-10 hours a day without moving much",
        "a work-from-home desk job where I barely left the chair",
        "a promotion to a desk role and years of long days sitting",
    ),
    "long_driving": (
        "years of driving a delivery van ten hours a day",
        "long days behind the wheel as a lorry driver",
        "a job with three hours of driving every day",
    ),
    "other_sedentary": (
        "a long stretch of sitting while I studied for exams",
        "months on the sofa after I lost my job",
    ),
    "car_collision": (
        "a car collision",
        "a rear-end collision at a red light",
        "a motorway crash",
        "a car accident that left me with whiplash",
    ),
    "fall": ("a bad fall on ice", "a fall down the stairs", "a fall from a ladder"),
    "sports_injury": (
        "a rugby injury",
        "tearing a ligament playing football",
        "a cycling accident",
    ),
    "surgery": ("a back operation", "knee surgery", "a hysterectomy"),
    "work_injury": ("a lifting injury at work", "an accident in the warehouse where I worked"),
    "other_injury": ("a crush injury to my foot", "an injury I would rather not go into"),
    "viral_infection": (
        "a nasty bout of glandular fever",
        "a flu that never really left",
        "a viral infection",
    ),
    "covid": ("covid in the first wave", "a covid infection", "catching covid at work"),
    "other_illness": ("Lyme disease", "a chest infection", "a bout of pneumonia"),
    "emotional_stress": (
        "a divorce",
        "losing my dad",
        "burnout at work",
        "a very stressful year of caring for my mother",
    ),
    "trauma": ("a traumatic birth", "a house fire", "a frightening stay in intensive care"),
    "gradual": (
        "nothing I could point to",
        "no clear trigger at all",
        "a slow creep over several years",
        "aches I put down to getting older",
    ),
    "other": (
        "a hormonal change",
        "a reaction to medication",
        "a move to a damp flat",
        "something my doctors still cannot name",
    ),
}

PEOPLE = (
    "my physio",
    "my GP",
    "a friend from my support group",
    "my rheumatologist",
    "the pain clinic",
    "my daughter",
    "an occupational therapist",
    "a teacher at the community centre",
)
TIMES_OF_DAY = (
    "in the morning",
    "after lunch",
    "in the early evening",
    "before bed",
    "mid-morning",
)
# Where members do each exercise, with the tag a place implies (None: no tag).
PLACES = {
    "at home": "at-home",
    "in the living room": "at-home",
    "at a local class": "class",
    "at the community centre": "group",
    "with an online video": "online-video",
    "in the park": "outdoors",
    "in the garden": "outdoors",
    "round the block": "outdoors",
    "at the leisure centre pool": "warm-water",
    "at the hydrotherapy pool": "warm-water",
    "at the local pool": None,
    "at the gym": None,
    "at the physio's clinic": "physio-led",
}
_INDOORS = ("at home", "in the living room", "at a local class", "with an online video")
EXERCISE_PLACES = {
    "walking": ("in the park", "round the block"),
    "yoga": (*_INDOORS, "at the community centre"),
    "tai_chi": ("in the park", "at a local class", "at the community centre", "in the garden"),
    "qigong": ("at home", "in the garden", "at a local class", "with an online video"),
    "stretching": ("at home", "in the living room", "with an online video"),
    "pilates": _INDOORS,
    "swimming": ("at the local pool", "at the leisure centre pool"),
    "aquatic_therapy": ("at the hydrotherapy pool", "at the leisure centre pool"),
    "cycling": ("at home", "at the gym"),
    "strength": ("at home", "at the gym"),
    "running": ("in the park", "round the block"),
    "hiit": ("at the gym", "at a local class", "with an online video"),
    "dance": ("at a local class", "at the community centre", "in the living room"),
    "physio": ("at home", "at the physio's clinic"),
    "other": ("at home", "in the garden"),
}

USERNAME_FIRST = (
    "quiet", "slow", "gentle", "brave", "misty", "sunny", "tired", "hopeful", "steady", "calm",
    "willow", "amber", "cedar", "coral", "fern", "hazel", "ivy", "juniper", "linden", "maple",
    "north", "olive", "pebble", "river", "sage", "sparrow", "tidal", "velvet", "winter", "wren",
)  # fmt: skip
USERNAME_SECOND = (
    "heron", "otter", "fox", "badger", "lark", "moth", "finch", "hare", "owl", "robin",
    "walker", "stepper", "spoons", "mover", "pacer", "breath", "tide", "path", "leaf", "stone",
    "kettle", "lantern", "meadow", "harbor", "garden", "ember", "feather", "thistle", "brook",
    "oak",
)  # fmt: skip

# Tags any story may carry; the others follow from the story (PROFILE_TAGS, place, exercise).
TAGS_ANY = (
    "pacing", "mornings", "evenings", "sleep", "beginners", "winter", "heat", "breathing",
    "journaling", "spoons", "boom-bust", "heart-rate", "brain-fog", "weekends", "balance",
    "posture",
)  # fmt: skip
# An onset detail (or, without one, a family) and the tag it gives some of its stories.
PROFILE_TAGS = {
    "desk_job": "desk-job",
    "long_driving": "sitting",
    "car_collision": "car-accident",
    "viral_infection": "post-viral",
    "covid": "long-covid",
    "injury": "after-injury",
}
TAGS = tuple(
    dict.fromkeys(
        (*TAGS_ANY, "flares", "over-60", "menopause", "after-injury", *PROFILE_TAGS.values())
        + tuple(tag for tag in PLACES.values() if tag)
    )
)

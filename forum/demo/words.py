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

ONSET_EVENTS = {
    "sedentary": (
        "taking a desk job and sitting for 8-10 hours a day",
        "years of long commutes and longer hours at a desk",
        "a work-from-home job where I barely left the chair",
        "a long stretch of sitting after a promotion to a desk role",
    ),
    "injury": (
        "a car collision",
        "a fall down the stairs",
        "a back operation",
        "a cycling accident",
        "a whiplash injury",
        "knee surgery",
        "a bad fall on ice",
    ),
    "illness": (
        "a nasty bout of glandular fever",
        "a flu that never really left",
        "covid in the first wave",
        "a chest infection",
        "a viral infection",
        "Lyme disease",
    ),
    "stress": (
        "a divorce",
        "losing my dad",
        "burnout at work",
        "a very stressful year of caring for my mother",
        "a traumatic birth",
        "years in a job that wore me down",
    ),
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
PLACES = (
    "at home",
    "in the living room",
    "at a local class",
    "in the park",
    "at the leisure centre",
    "with an online video",
    "in the garden",
)

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

TAGS = (
    "pacing", "mornings", "evenings", "flares", "sleep", "warm-water", "beginners", "desk-job",
    "after-injury", "post-viral", "winter", "heat", "breathing", "journaling", "class", "at-home",
    "outdoors", "spoons", "boom-bust", "physio-led", "online-video", "heart-rate", "brain-fog",
    "weekends", "group", "balance", "posture", "long-covid", "menopause", "over-60",
)  # fmt: skip

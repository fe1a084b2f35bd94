"""Sentence fragments for demo texts: opener × core × tail per topic gives many templates.

Cores use slots filled per experience: {ex} exercise as the member names it, {ex2} the exercise
combined with it (cores using it are left out of single-exercise stories), {condition},
{event} and {onset_year} (the member's one onset story), {person}, {minutes}, {weeks},
{rest_days}, {per_week}, {time_of_day}, {place}.
"""

OPENERS = {
    "onset": ("", "For context,", "A bit of background:", "Like many of you,", "Briefly,"),
    "start": ("", "So", "Last year", "This spring", "Eventually", "On advice from {person},"),
    "pacing": ("", "The key for me:", "Honestly,", "Importantly,", "One thing I did differently:"),
    "outcome": (
        "",
        "After {weeks} weeks,",
        "Overall,",
        "So far,",
        "To be honest,",
        "Looking back,",
    ),
    "flare": ("", "About flares:", "As for flare-ups,", "Worth saying:", "On flares,"),
    "effect": ("", "Also,", "On top of that,", "Interestingly,", "I noticed that"),
    "advice": ("", "My advice:", "For anyone starting out,", "In the end,", "Above all,"),
}

TAILS = {
    "onset": ("", ", and it has shaped everything since", " (I know everyone's story differs)"),
    "start": ("", ", which felt like a lot at first", ", building up very slowly"),
    "pacing": ("", ", which was harder than it sounds", ", and that made the difference"),
    "outcome": ("", ", which I did not expect", ", even though the studies say exercise is good"),
    "flare": ("", ", so I adjusted", ", as many of you will recognise"),
    "flare_none": ("", ", which surprised me", ", even on busy weeks"),
    "effect": ("", ", at least most weeks", ", which matters more to me than anything"),
    "advice": ("", ", and be kind to yourself", ", and keep a diary"),
}

CORES = {
    "onset": (
        "my {condition} started after {event}",
        "the {condition} came on after {event}",
        "everything changed after {event}",
        "I was diagnosed with {condition} a while after {event} in {onset_year}",
        "I trace my {condition} back to {event}",
        "looking back, the pain and exhaustion began with {event}",
        "I have lived with {condition} since {event} in {onset_year}",
        "the doctors link my {condition} to {event}",
    ),
    # The seed's two archetypes, in the words of its author.
    "onset_desk_job": (
        "my {condition} symptoms coincided with {event}",
        "it crept in after {event}, and by {onset_year} I could not ignore it",
        "the pain and the exhaustion built up slowly after {event}, from {onset_year} on",
        "I blame {event}: from {onset_year} the aches never left",
    ),
    "onset_car_collision": (
        "I had {event} in {onset_year}, and even after physical therapy the pain did not subside",
        "after {event} in {onset_year} the pain never settled, "
        "and then it got harder and harder to sleep",
        "it began with {event} in {onset_year}: the physio fixed my neck, "
        "but not the pain everywhere else",
    ),
    "start": (
        "I started {ex} {place}, about {minutes} minutes {per_week}",
        "{person} suggested {ex}, so I tried {minutes} minutes {per_week}",
        "I have been doing {ex} for {weeks} weeks now, {per_week}",
        "I gave {ex} a proper go: {minutes} minutes, {per_week}, for {weeks} weeks",
        "after reading that exercise is good for {condition}, I signed up for {ex}",
        "I began with {ex} {time_of_day}, never more than {minutes} minutes at a time",
        "I tried {ex} {place} {time_of_day}, {per_week}",
        "I combined {ex} with {ex2}, roughly {minutes} minutes {per_week}",
    ),
    "pacing": (
        "I kept a diary of every session and how I felt the next day",
        "I set a timer so I would stop before I felt I needed to",
        "I only do enough to nudge my system, never enough to spend extra",
        "on bad days I halved the time rather than skipping it completely",
        "I used a heart-rate watch to stay under my limit",
        "I learned to listen to my body instead of the plan",
        "I left at least {rest_days} rest days a week",
        "boom and bust was my pattern for years, so this time I went *really* slowly",
        "I only added a minute or two each week",
    ),
    "outcome_positive": (
        "{ex} has calmed my flares more than any tablet",
        "the pain lessened within a few weeks",
        "I can now do the shopping without paying for it for days",
        "my muscles feel looser and the knots are less tight",
        "I can feel the blood moving and the stiffness eases",
        "I got some of my mornings back",
        "{ex} gave me a sense of control back",
        "the fog lifts a little after each session",
    ),
    "outcome_neutral": (
        "I cannot honestly say {ex} changed much",
        "some weeks felt better, some worse, with no clear pattern",
        "{ex} did not help or hurt as far as I can tell",
        "the pain stayed about the same",
        "I am not sure whether it was the {ex} or the weather",
    ),
    "outcome_negative": (
        "{ex} left me in bed for days afterwards",
        "the pain got worse instead of better",
        "every session seemed to spend energy I did not have",
        "I crashed hard after the third week of {ex}",
        "my whole body felt bruised the next morning",
        "I had to stop because the flares kept coming",
    ),
    "flare_none": (
        "I had no flare-ups after sessions",
        "no flares so far, touch wood",
        "the sessions themselves never set off a flare",
    ),
    "flare_same_day": (
        "the flare usually came the same evening",
        "within hours I would be aching all over",
        "by the evening the burn in my muscles had turned into a flare",
    ),
    "flare_next_day": (
        "the next morning was always the worst",
        "I paid for it the following day",
        "the flare arrived overnight and lasted a day or two",
    ),
    "flare_later": (
        "the crash came two or three days later, which made it hard to connect",
        "the payback was delayed, often by two days",
        "it took me months to notice the flares came two days after",
    ),
    "effect_sleep_better": (
        "I sleep more deeply on the days I move",
        "falling asleep is easier",
        "I wake up less often in the night",
    ),
    "effect_sleep_same": ("my sleep did not change", "sleep is still broken, sadly"),
    "effect_sleep_worse": (
        "my sleep got worse because I was too wired to settle",
        "I lay awake aching after sessions",
    ),
    "effect_pain_better": (
        "the burning pain in my shoulders is milder",
        "my pain scores dropped a point or two",
        "the tender points are less tender",
    ),
    "effect_pain_same": ("the pain itself did not move much", "pain is about where it was"),
    "effect_pain_worse": ("my legs ached more than before", "the pain spread to my back"),
    "effect_fatigue_better": (
        "I have a little more energy in the afternoons",
        "the fatigue is less crushing",
    ),
    "effect_fatigue_same": ("the fatigue is unchanged", "I am as tired as ever"),
    "effect_fatigue_worse": (
        "the fatigue got heavier, like the gas tank was already low",
        "I was more exhausted than before I started",
    ),
    "advice": (
        "listen to your body, because your pain is not the same as anyone else's",
        "start smaller than you think you need to",
        "all fibromyalgia is not the same, so what works for me may not work for you",
        "it is a complicated mess of knots, and sometimes you need to untie them differently",
        "talk to {person} before you change anything",
        "slow, gentle movement might be worth a try if vigorous exercise flares you",
        "**rest is part of the plan**, not a failure",
    ),
}

QUESTIONS = (
    "What has been your experience with {ex}?",
    "Has anyone else had the same?",
    "What about you?",
    "Did anyone find a way to build up without the crashes?",
    "",
    "",
)

TITLE_RESULTS = {
    "positive": (
        "calmed my flares",
        "gave me my mornings back",
        "helped more than I expected",
        "finally something that helps",
        "slow but real progress",
        "less pain, better sleep",
    ),
    "neutral": (
        "no real change",
        "mixed results",
        "hard to tell",
        "not much difference so far",
        "neither better nor worse",
    ),
    "negative": (
        "set off weeks of flares",
        "too much for me",
        "left me in bed for days",
        "a hard lesson in pacing",
        "worse, not better",
    ),
}
TITLE_PATTERNS = (
    "{Ex} {schedule}: {result}",
    "What {weeks} weeks of {ex} did for me: {result}",
    "{Ex} after {event}: {result}",
    "My {condition} and {ex}: {result}",
    "{Ex}, {minutes} minutes at a time: {result}",
    "{Ex} {schedule} - {result}",
)
SCHEDULES = ("every morning", "twice a week", "three times a week", "daily", "most evenings")

REPLY_OPENERS = (
    "Thank you for sharing this.",
    "This is so familiar.",
    "Great write-up.",
    "Sending gentle hugs.",
    "Really helpful, thanks.",
    "I could have written this myself.",
)
REPLY_CORES = (
    "I had the same experience with {ex}.",
    "{Ex} did the opposite for me, so it really is individual.",
    "Did you find the flares settled over time?",
    "How long did it take before you noticed a difference?",
    "My physio said the same about pacing.",
    "I am going to try the shorter sessions you describe.",
    "The delayed crash is the worst part for me too.",
    "I started {ex} last month after reading posts like this.",
)
REPLY_TAILS = ("", " Take care.", " Wishing you good days.", " Keep us posted!")

FLAG_NOTES = {
    "spam": ("Looks like an advert for a supplement.", "Link to a shop."),
    "misinformation": ("This reads like a promise of a cure.", "Telling people to stop meds."),
    "personal_info": ("Names a clinic and a doctor.", "Mentions a full name."),
    "other": ("Not sure this belongs here.", ""),
}


def template_count() -> int:
    """How many distinct body sentence templates the fragments above can make."""
    return sum(
        len(OPENERS[core_key.split("_")[0]]) * len(cores) * len(tails_for(core_key))
        for core_key, cores in CORES.items()
    )


def tails_for(core_key: str) -> tuple[str, ...]:
    """The tails that fit a core: its own when it has some, else its topic's."""
    return TAILS.get(core_key) or TAILS[core_key.split("_")[0]]

"""Assembles demo titles, bodies and replies from the sentence fragments."""

import random
import re

from forum.demo import sentences as s
from forum.demo.words import MISSPELLINGS

_MISSPELL_RATE = 0.15


def _fill(template: str, slots: dict) -> str:
    return template.format_map(slots)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _cores(core_key: str, slots: dict) -> tuple[str, ...]:
    """The cores of a topic this story can use: none naming a second exercise it lacks."""
    cores = s.CORES[core_key]
    if slots.get("ex2") is None:
        cores = tuple(core for core in cores if "{ex2}" not in core)
    return cores


def sentence(
    rng: random.Random,
    core_key: str,
    slots: dict,
    core: str | None = None,
    opener: str | None = None,
) -> str:
    """One sentence: an opener, a core about the topic, a tail, a full stop."""
    opener = rng.choice(s.OPENERS[core_key.split("_")[0]]) if opener is None else opener
    text = " ".join(part for part in (opener, core or rng.choice(_cores(core_key, slots))) if part)
    text += rng.choice(s.tails_for(core_key))
    return _capitalise(_fill(text, slots)) + "."


def _sentences(rng: random.Random, core_key: str, slots: dict, how_many: int) -> list[str]:
    """Several sentences on one topic, never the same core or opener twice."""
    usable = _cores(core_key, slots)
    cores = rng.sample(usable, k=min(how_many, len(usable)))
    openers = rng.sample(s.OPENERS[core_key.split("_")[0]], k=len(cores))
    pairs = zip(cores, openers, strict=True)
    return [sentence(rng, core_key, slots, core, opener) for core, opener in pairs]


def title(rng: random.Random, slots: dict, outcome_sign: str) -> str:
    """A title in a member's words that matches the outcome."""
    result = rng.choice(s.TITLE_RESULTS[outcome_sign])
    pattern = rng.choice(s.TITLE_PATTERNS)
    text = _fill(pattern, {**slots, "result": result, "schedule": rng.choice(s.SCHEDULES)})
    return _capitalise(text)[:150]


def _routine(rng: random.Random, slots: dict) -> str:
    lines = [
        f"- {slots['minutes']} minutes of {slots['ex']}",
        f"- {rng.choice((5, 10, 15, 20))} minutes lying down afterwards",
        f"- {slots['ex2']} on the in-between days" if slots.get("ex2") else "- rest days between",
    ]
    return "My routine:\n\n" + "\n".join(lines)


def body(rng: random.Random, slots: dict, outcome_sign: str, flare: str, effects: dict) -> str:
    """A Markdown body of three or four paragraphs: story, practice, outcome, advice."""
    onset_key = f"onset_{slots.get('detail')}"
    onset_key = onset_key if onset_key in s.CORES and rng.random() < 0.6 else "onset"
    story = [sentence(rng, onset_key, slots), sentence(rng, "start", slots)]
    practice = _sentences(rng, "pacing", slots, rng.randint(1, 2))
    outcome = _sentences(rng, f"outcome_{outcome_sign}", slots, rng.randint(1, 2))
    outcome.append(sentence(rng, f"flare_{flare}", slots))
    for area in rng.sample(sorted(effects), k=min(len(effects), 2)):
        outcome.append(sentence(rng, f"effect_{area}_{effects[area]}", slots))
    paragraphs = [" ".join(story), " ".join(practice), " ".join(outcome)]
    if rng.random() < 0.2:
        paragraphs.insert(2, _routine(rng, slots))
    if rng.random() < 0.75:
        closing = sentence(rng, "advice", slots)
        question = _fill(rng.choice(s.QUESTIONS), slots)
        paragraphs.append(f"{closing} {question}".strip())
    return misspell(rng, "\n\n".join(paragraphs))


def reply(rng: random.Random, slots: dict) -> str:
    """A short reply to someone else's experience."""
    core = _fill(rng.choice(s.REPLY_CORES), slots)
    return f"{rng.choice(s.REPLY_OPENERS)} {_capitalise(core)}{rng.choice(s.REPLY_TAILS)}"


def misspell(rng: random.Random, text: str) -> str:
    """Now and then swap a word or two for a common misspelling, as members type them."""
    if rng.random() >= _MISSPELL_RATE:
        return text
    present = [pair for pair in MISSPELLINGS if re.search(rf"\b{re.escape(pair[0])}\b", text)]
    for correct, wrong in rng.sample(present, k=min(len(present), rng.randint(1, 2))):
        text = re.sub(rf"\b{re.escape(correct)}\b", wrong, text, count=1)
    return text

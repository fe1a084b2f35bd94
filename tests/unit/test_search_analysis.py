"""Synonyms and stemming: every spelling of an exercise and every form of a word agree."""

import pytest

from forum.search.engine.analysis import searchable_text, stems, terms_with_spans
from forum.search.engine.synonyms import EXERCISE_WORDS, canonicalise

SPELLINGS = {
    "taichi": ["tai chi", "Tai Chi", "taiji", "t'ai chi", "t’ai chi", "tai-chi", "taichi"],
    "qigong": ["qigong", "chi kung", "qi gong", "Qi-Gong"],
    "hiit": ["hiit", "HIIT", "interval training", "high intensity interval training"],
    "aquatictherapy": ["aqua", "water aerobics", "aquatic therapy", "aqua aerobics"],
    "strengthtraining": ["weights", "resistance training", "strength", "strength training"],
}


@pytest.mark.parametrize(
    ("canonical", "spelling"),
    [(canonical, spelling) for canonical, spellings in SPELLINGS.items() for spelling in spellings],
)
def test_every_contract_spelling_becomes_one_term(canonical, spelling):
    assert stems(searchable_text(f"I tried {spelling} twice")) == ["tri", canonical, "twice"]


@pytest.mark.parametrize("text", ["chi alone", "aquarium visits", "weight loss", "taiwan trip"])
def test_words_that_only_look_alike_are_left_alone(text):
    assert canonicalise(text) == text


def test_exercise_keys_map_to_the_same_terms_as_their_spellings():
    for key, word in EXERCISE_WORDS.items():
        assert word in SPELLINGS, key


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("flares", "flare-up"),
        ("walking", "walked"),
        ("stretches", "stretching"),
        ("slept", "slept"),
    ],
)
def test_stemming_joins_forms_of_a_word(first, second):
    assert stems(first)[0] == stems(second)[0]


def test_stop_words_and_single_letters_are_dropped():
    assert stems("how do I start after a car accident") == ["start", "car", "accid"]


def test_spans_point_at_the_original_words():
    text = "My Tai Chi class, then walking."
    found = [(term, text[start:end]) for term, start, end in terms_with_spans(text)]
    assert found == [("taichi", "Tai Chi"), ("class", "class"), ("walk", "walking")]


def test_link_targets_are_not_indexed():
    assert "exampl" not in stems(searchable_text("see [my notes](https://example.org/x)"))

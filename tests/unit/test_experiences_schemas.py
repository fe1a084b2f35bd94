"""The experience input schema's bounds and the output schema's exact shape."""

import pytest

from forum.errors import Invalid
from forum.experiences.presenters import summary_line
from forum.experiences.schemas import ExperienceInputSchema, ExperienceSchema
from forum.validation import load
from tests.factories import ExperienceFactory, UserFactory
from tests.unit.test_experiences_service import VALID


def test_valid_input_is_normalised():
    values = load(
        ExperienceInputSchema(), {**VALID, "title": "  Padded title  ", "tags": ["Pacing"]}
    )
    assert values["title"] == "Padded title"
    assert values["tags"] == ["pacing"]


BAD = [
    ({"title": "abcd"}, "title"),
    ({"title": "     x     "}, "title"),
    ({"title": "x" * 151}, "title"),
    ({"title": 42}, "title"),
    ({"body": "too short"}, "body"),
    ({"body": " \n\t " * 20}, "body"),
    ({"body": "x" * 20001}, "body"),
    ({"body": "nul \x00 characters are not text at all"}, "body"),
    ({"exercises": []}, "exercises"),
    ({"exercises": ["qigong", "qigong"]}, "exercises"),
    ({"exercises": ["parkour"]}, "exercises"),
    ({"exercises": ["walking", "yoga", "tai_chi", "qigong", "dance", "hiit"]}, "exercises"),
    ({"exercises": "walking"}, "exercises"),
    ({"intensity": "extreme"}, "intensity"),
    ({"outcome": None}, "outcome"),
    ({"flare": "sometimes"}, "flare"),
    ({"minutes_per_session": 0}, "minutes_per_session"),
    ({"minutes_per_session": 601}, "minutes_per_session"),
    ({"minutes_per_session": 20.5}, "minutes_per_session"),
    ({"minutes_per_session": 20.0}, "minutes_per_session"),
    ({"minutes_per_session": True}, "minutes_per_session"),
    ({"minutes_per_session": "twenty"}, "minutes_per_session"),
    ({"sessions_per_week": 22}, "sessions_per_week"),
    ({"weeks_tried": 521}, "weeks_tried"),
    ({"weeks_tried": -1}, "weeks_tried"),
    ({"effects": {"pain": "gone"}}, "effects.pain"),
    ({"effects": {"mood": "better"}}, "effects.mood"),
    ({"effects": "better"}, "effects"),
    ({"tags": ["x"]}, "tags"),
    ({"tags": ["has space"]}, "tags"),
    ({"tags": ["<script>"]}, "tags"),
    ({"tags": ["a" * 31]}, "tags"),
    ({"tags": [f"tag{n}" for n in range(11)]}, "tags"),
    ({"tags": ["pacing", "Pacing"]}, "tags"),
    ({"tags": "pacing"}, "tags"),
    ({"onset": "cosmic"}, "onset"),
    ({"age_band": "teen"}, "age_band"),
    ({"body_html": "<p>mine</p>"}, "body_html"),
    ({"status": "published"}, "status"),
]


@pytest.mark.parametrize(("change", "field"), BAD)
def test_bad_input_names_the_field(change, field):
    with pytest.raises(Invalid) as caught:
        load(ExperienceInputSchema(), {**VALID, **change})
    assert field in caught.value.fields


@pytest.mark.parametrize("missing", ["title", "body", "exercises", "intensity", "outcome", "flare"])
def test_required_fields(missing):
    data = {key: value for key, value in VALID.items() if key != missing}
    with pytest.raises(Invalid) as caught:
        load(ExperienceInputSchema(), data)
    assert caught.value.fields[missing] == ["This field is required."]


def test_form_digit_strings_are_whole_numbers():
    values = load(ExperienceInputSchema(), {**VALID, "weeks_tried": "12"}, from_form=True)
    assert values["weeks_tried"] == 12


CONTRACT_KEYS = {
    "id", "title", "body", "body_html", "exercises", "intensity", "minutes_per_session",
    "sessions_per_week", "weeks_tried", "outcome", "flare", "effects", "tags", "onset",
    "condition", "symptom", "age_band", "status", "author", "me_too_count", "reply_count",
    "created_at", "updated_at", "published_at", "main_exercise", "visibility", "onset_detail",
    "severity", "years_ill",
}  # fmt: skip


def test_output_has_the_contracts_shape_and_never_the_email(ctx):
    experience = ExperienceFactory(
        exercises=("qigong", "walking"), effect_pain="better", author=UserFactory(username="maple")
    )
    dumped = ExperienceSchema().dump(experience)
    assert set(dumped) == CONTRACT_KEYS
    assert dumped["exercises"] == ["qigong", "walking"]
    assert dumped["effects"] == {"pain": "better"}
    assert dumped["author"] == {"username": "maple"}
    assert dumped["published_at"].endswith("Z")
    assert "@" not in str(dumped)


def test_an_anonymized_experience_has_no_author_name(ctx):
    experience = ExperienceFactory()
    experience.author_id, experience.author = None, None
    assert ExperienceSchema().dump(experience)["author"] == {"username": None}


def test_summary_line_reads_at_a_glance(ctx):
    experience = ExperienceFactory(
        exercises=("qigong",),
        minutes_per_session=20,
        sessions_per_week=5,
        weeks_tried=12,
        effect_pain="better",
        effect_sleep="better",
    )
    assert summary_line(experience) == (
        "Qigong · gentle · 20 min × 5/week for 12 weeks → helped; no flare; "
        "pain better, sleep better"
    )


def test_summary_line_without_numbers_or_effects(ctx):
    experience = ExperienceFactory(exercises=("walking", "yoga"), outcome="worse", flare="next_day")
    assert summary_line(experience) == "Walking, Yoga · gentle → worse; flare the next day"

"""One loader for forms, JSON and the CLI, and the account schemas it loads through."""

import pytest
from marshmallow import Schema, fields, validate

from forum.auth.schemas import ProfileSchema, RegistrationSchema
from forum.errors import Invalid
from forum.validation import flatten_messages, load


class Sample(Schema):
    name = fields.String(required=True, validate=validate.Length(max=5))
    count = fields.Integer()
    tags = fields.List(fields.String(validate=validate.Length(max=3)))


def test_json_input_with_unknown_fields_is_refused():
    with pytest.raises(Invalid) as caught:
        load(Sample(), {"name": "ok", "extra": 1})
    assert caught.value.status == 422
    assert caught.value.fields == {"extra": ["Unknown field."]}


def test_form_input_drops_unknown_fields():
    assert load(Sample(), {"name": "ok", "csrf_token": "t"}, from_form=True) == {"name": "ok"}


def test_messages_are_friendly_and_per_field():
    with pytest.raises(Invalid) as caught:
        load(Sample(), {"count": "many"})
    assert caught.value.message == "Some fields need attention."
    assert caught.value.fields == {
        "name": ["This field is required."],
        "count": ["Enter a whole number."],
    }


def test_partial_loading_skips_required_fields():
    assert load(Sample(), {"count": 2}, partial=True) == {"count": 2}


def test_list_item_errors_are_reported_on_the_list_field_once():
    with pytest.raises(Invalid) as caught:
        load(Sample(), {"name": "ok", "tags": ["long", "longer", "fine"]})
    assert caught.value.fields == {"tags": ["Longer than maximum length 3."]}


def test_input_that_is_not_an_object_is_a_schema_error():
    with pytest.raises(Invalid) as caught:
        load(Sample(), ["name"])
    assert list(caught.value.fields) == ["_schema"]


def test_flatten_messages_names_nested_fields_with_dots():
    nested = {"effects": {"pain": ["Not valid."]}, "title": ["Too short."], "_schema": "Odd."}
    assert flatten_messages(nested) == {
        "effects.pain": ["Not valid."],
        "title": ["Too short."],
        "_schema": ["Odd."],
    }


@pytest.mark.parametrize("username", ["abc", "Maple_Tree-42", "x" * 30, "___", "a-b"])
def test_usernames_that_match_the_contract_pattern(username):
    data = {"username": username, "email": "m@example.org", "password": "p" * 10}
    assert load(RegistrationSchema(), data)["username"] == username


@pytest.mark.parametrize(
    "username",
    ["ab", "x" * 31, "maple\n", "maple ", " maple", "map le", "mäple", "maple!", "", "a.b"],
)
def test_usernames_outside_the_contract_pattern(username):
    data = {"username": username, "email": "m@example.org", "password": "p" * 10}
    with pytest.raises(Invalid) as caught:
        load(RegistrationSchema(), data)
    assert list(caught.value.fields) == ["username"]


def test_emails_are_trimmed_and_lower_cased():
    data = {"username": "maple", "email": "  Maple@Example.ORG ", "password": "p" * 10}
    assert load(RegistrationSchema(), data)["email"] == "maple@example.org"


@pytest.mark.parametrize(("length", "ok"), [(9, False), (10, True), (1000, True), (1001, False)])
def test_password_length_limits(length, ok):
    data = {"username": "maple", "email": "m@example.org", "password": "p" * length}
    if ok:
        assert load(RegistrationSchema(), data)["password"] == "p" * length
    else:
        with pytest.raises(Invalid) as caught:
            load(RegistrationSchema(), data)
        assert caught.value.fields == {
            "password": ["Use at least 10 characters (and at most 1000)."]
        }


def test_profile_blanks_and_nulls_mean_unset():
    values = load(ProfileSchema(), {"onset": "", "condition": None, "symptom": "pain"})
    assert values == {"onset": None, "condition": None, "symptom": "pain"}


def test_profile_keys_must_come_from_the_vocabulary():
    with pytest.raises(Invalid) as caught:
        load(ProfileSchema(), {"age_band": "forties"})
    assert caught.value.fields == {"age_band": ["Choose one of: under_30, 30s, 40s, 50s, 60_plus."]}

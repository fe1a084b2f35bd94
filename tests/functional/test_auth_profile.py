"""The member's own profile page: the four "people like me" answers, all optional."""

import pytest

from forum.vocabulary import PROFILE_FIELDS
from tests.factories import UserFactory

NOT_GIVEN = {"onset_detail": None, "severity": None, "years_ill": None}


@pytest.fixture
def maple(ctx, auth):
    user = UserFactory(username="maple")
    auth.login()
    return user


def test_the_profile_page_needs_a_signed_in_member(client):
    assert client.get("/profile").status_code == 302


def test_the_profile_page_offers_every_contract_key_in_a_fieldset(client, maple):
    page = client.get("/profile").get_data(as_text=True)
    # The profile form (the profile fields, then the defaults of new stories' two privacy
    # choices); the notification settings follow it in their own section.
    profile_form = page.split('id="notification-settings"')[0]
    assert profile_form.count("<fieldset") == len(PROFILE_FIELDS) + 2
    assert profile_form.count("<legend>") == len(PROFILE_FIELDS) + 2
    for field, vocabulary in PROFILE_FIELDS.items():
        for key in vocabulary:
            assert f'name="{field}" value="{key}"' in page
    assert 'name="csrf_token"' in page


def test_saving_the_profile(client, maple):
    response = client.post(
        "/profile",
        data={"onset": "injury", "condition": "me_cfs", "symptom": "fatigue", "age_band": "40s"},
    )
    assert response.status_code == 302
    assert maple.profile == {
        "onset": "injury",
        "condition": "me_cfs",
        "symptom": "fatigue",
        "age_band": "40s",
        **NOT_GIVEN,
    }
    page = client.get("/profile").get_data(as_text=True)
    assert "Your profile is saved." in page
    assert 'value="injury" checked' in page
    assert 'value="40s" checked' in page


def test_prefer_not_to_say_clears_a_field_and_leaves_the_others(client, maple, ctx):
    client.post("/profile", data={"onset": "injury", "condition": "me_cfs"})
    client.post("/profile", data={"onset": ""})
    assert maple.profile == {
        "onset": None,
        "condition": "me_cfs",
        "symptom": None,
        "age_band": None,
        **NOT_GIVEN,
    }


def test_an_unknown_key_is_a_form_error_and_nothing_is_saved(client, maple):
    response = client.post("/profile", data={"onset": "injury", "condition": "flu"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="condition-errors"' in page
    assert 'value="injury" checked' in page, "the member's choices are kept"
    assert maple.onset is None


def test_the_profile_never_reveals_the_email_address(client, maple):
    assert maple.email not in client.get("/profile").get_data(as_text=True)

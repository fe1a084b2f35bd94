"""Every form a limit can stop comes back as its own page (429) with what was typed, never a
password, saying how long to wait; no page tells a member to use the back button."""

from pathlib import Path

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import Flag, FollowUp, QuickAnswer
from tests.conftest import make_app
from tests.factories import TEST_PASSWORD, ExperienceFactory, ReplyFactory, UserFactory

PROJECT_ROOT = Path(__file__).resolve().parents[2]
OTHER_PASSWORD = "a brand new password 42"


@pytest.fixture
def limited(tmp_path):
    """Limits on, every one of them once an hour; maple (new) and oak (trusted) with a story."""
    app = make_app(
        tmp_path,
        RATELIMIT_ENABLED=True,
        RATELIMIT_REGISTER_PER_ADDRESS="1 per hour",
        RATELIMIT_FLAG="1 per hour",
        RATELIMIT_POST="1 per hour",
        RATELIMIT_POST_NEW_MEMBER="1 per hour",
        RATELIMIT_QUICK_ANSWER="1 per hour",
        RATELIMIT_ACCOUNT_CHANGES="1 per hour",
        RATELIMIT_PASSWORD_RESET_PER_ADDRESS="1 per hour",
        RATELIMIT_VERIFY_EMAIL="1 per hour",
    )
    with app.app_context():
        UserFactory(username="maple")
        oak = UserFactory(username="oak", approvals_toward_trust=99)
        app.story_id = ExperienceFactory(author=oak, exercises=("tai_chi",), weeks_tried=4).id
        app.reply_id = ReplyFactory(experience_id=app.story_id).id
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(limited):
    return limited.test_client()


def sign_in(client, username="maple"):
    response = client.post("/login", data={"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302


def sent_back(response) -> str:
    """The page of a limited form: 429, how long to wait, and no talk of the back button."""
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) >= 1
    page = response.get_data(as_text=True)
    assert "in a short time" in page
    assert "Please wait a moment" not in page  # not the generic page: the form's own
    assert "back button" not in page.lower()
    return page


def test_sign_in_keeps_the_username_and_where_to_go_never_the_password(limited, client):
    limited.config["RATELIMIT_SIGN_IN_PER_ADDRESS"] = "1 per hour"
    client.post("/login", data={"username": "maple", "password": "not the password"})
    typed = {"username": "Maple", "password": TEST_PASSWORD, "remember": "on", "next": "/insights"}
    page = sent_back(client.post("/login", data=typed))
    assert "<h1>Sign in</h1>" in page
    assert 'name="username" type="text" value="Maple"' in page
    assert 'name="remember" value="on" checked' in page
    assert 'name="next" value="/insights"' in page
    assert TEST_PASSWORD not in page
    assert "except the password" in page


def test_registering_keeps_the_username_and_address_never_the_password(client):
    first = {"username": "birch", "email": "birch@example.org", "password": TEST_PASSWORD}
    assert client.post("/register", data=first).status_code == 302
    client.post("/logout")
    typed = {"username": "cedar_tree", "email": "cedar@example.org", "password": OTHER_PASSWORD}
    page = sent_back(client.post("/register", data=typed))
    assert "Join Movement Notes" in page
    assert 'value="cedar_tree"' in page and 'value="cedar@example.org"' in page
    assert OTHER_PASSWORD not in page


def test_a_reset_request_keeps_the_address(client):
    client.post("/forgot-password", data={"email": "first@example.org"})
    page = sent_back(client.post("/forgot-password", data={"email": "second@example.org"}))
    assert "Forgot your password?" in page
    assert 'value="second@example.org"' in page
    assert "we have sent it a link" not in page


def test_a_password_change_comes_back_without_any_password(client):
    sign_in(client)
    wrong = {
        "current_password": "not my password",
        "new_password": OTHER_PASSWORD,
        "new_password_again": OTHER_PASSWORD,
    }
    assert client.post("/profile/password", data=wrong).status_code == 422
    right = {**wrong, "current_password": TEST_PASSWORD}
    page = sent_back(client.post("/profile/password", data=right))
    assert "Change your password" in page and "type them again" in page
    assert OTHER_PASSWORD not in page and TEST_PASSWORD not in page


def test_account_deletion_keeps_the_choice_never_the_password(client):
    sign_in(client)
    client.post("/profile/delete", data={"experiences": "anonymize", "password": "wrong one"})
    typed = {"experiences": "anonymize", "password": TEST_PASSWORD}
    page = sent_back(client.post("/profile/delete", data=typed))
    assert "Delete your account" in page and "nothing was deleted yet" in page
    assert 'value="anonymize" checked' in page
    assert TEST_PASSWORD not in page


def test_an_email_change_keeps_the_new_address_on_the_profile_page(client):
    sign_in(client)
    first = client.post("/profile/email", data={"email": "maple.first@example.org"})
    assert first.status_code == 302
    page = sent_back(client.post("/profile/email", data={"email": "maple.second@example.org"}))
    assert "Your profile" in page
    assert 'value="maple.second@example.org"' in page


def test_an_email_change_refused_keeps_the_address_too(client):
    sign_in(client)
    response = client.post("/profile/email", data={"email": "not an address"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="not an address"' in page and "Enter a valid e-mail address." in page


def test_asking_for_the_verification_link_again_says_how_long_on_the_profile(client):
    sign_in(client)
    assert client.post("/profile/verify-email").status_code == 302
    page = sent_back(client.post("/profile/verify-email"))
    assert "Your profile" in page and "no new one was sent yet" in page


def test_a_report_keeps_the_reason_and_note(limited, client):
    sign_in(client)
    with limited.app_context():
        second_story = ExperienceFactory().id
    first = client.post(f"/experiences/{second_story}/flags", data={"reason": "spam"})
    assert first.status_code == 302
    typed = {"reason": "misinformation", "note": "This advice could hurt someone who is ill."}
    for url in (f"/experiences/{limited.story_id}/flags", f"/replies/{limited.reply_id}/flags"):
        page = sent_back(client.post(url, data=typed))
        assert "Report" in page and 'value="misinformation" checked' in page
        assert "This advice could hurt someone who is ill." in page
    with limited.app_context():
        assert len(db.session.scalars(select(Flag)).all()) == 1


def test_a_report_on_a_reply_no_one_may_read_gets_the_plain_page(limited, client):
    sign_in(client)
    with limited.app_context():
        pending = ReplyFactory(experience_id=limited.story_id, status="pending").id
    client.post(f"/replies/{limited.reply_id}/flags", data={"reason": "spam"})
    response = client.post(f"/replies/{pending}/flags", data={"reason": "spam"})
    assert response.status_code == 429
    assert "Please wait a moment" in response.get_data(as_text=True)


def test_a_follow_up_keeps_everything_typed(limited, client):
    sign_in(client, "oak")
    url = f"/experiences/{limited.story_id}/follow-ups"
    first = {"still_doing": "true", "outcome": "helped", "flare": "none"}
    assert client.post(url, data=first).status_code == 302
    typed = {
        "still_doing": "false",
        "stop_reason": "flare_ups",
        "outcome": "much_worse",
        "flare": "next_day",
        "body": "Month three: two crashes in a row, so I stopped.",
    }
    page = sent_back(client.post(url, data=typed))
    assert "Everything you typed is still here" in page
    assert '<details class="follow-up-form" open>' in page
    for name, value in typed.items():
        if name != "body":
            assert f'name="{name}" value="{value}" checked' in page, name
    assert typed["body"] in page
    with limited.app_context():
        assert len(db.session.scalars(select(FollowUp)).all()) == 1


def test_a_quick_answer_from_a_story_keeps_the_choice_on_the_story(limited, client):
    sign_in(client)
    back_to = f"experience:{limited.story_id}"
    first = {"outcome": "helped", "flare": "none", "back_to": back_to}
    assert client.post("/experiences/quick-answers/tai_chi", data=first).status_code == 302
    typed = {"outcome": "much_worse", "flare": "next_day", "back_to": back_to}
    page = sent_back(client.post("/experiences/quick-answers/tai_chi", data=typed))
    assert "Replies (" in page  # the story's own page
    assert "You chose: Made things much worse." in page
    assert '<option value="next_day" selected>' in page
    with limited.app_context():
        (answer,) = db.session.scalars(select(QuickAnswer)).all()
        assert answer.outcome == "helped"


def test_a_quick_answer_from_insights_keeps_the_choice_on_a_page_of_its_own(client):
    sign_in(client)
    first = {"outcome": "helped", "flare": "none", "back_to": "insights"}
    assert client.post("/experiences/quick-answers/walking", data=first).status_code == 302
    typed = {"outcome": "worse", "flare": "same_day", "back_to": "insights"}
    page = sent_back(client.post("/experiences/quick-answers/walking", data=typed))
    assert "<h1>I tried walking too</h1>" in page
    assert "You chose: Made things worse." in page and '<option value="same_day" selected>' in page
    assert 'href="/insights#exercise-walking"' in page


def test_a_quick_answer_without_an_outcome_keeps_the_flare_choice(limited, client):
    sign_in(client)
    data = {"flare": "next_day", "back_to": f"experience:{limited.story_id}"}
    response = client.post("/experiences/quick-answers/tai_chi", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Choose how it went" in page and '<option value="next_day" selected>' in page


def test_no_template_or_module_tells_members_to_use_the_back_button():
    sources = [
        *(PROJECT_ROOT / "templates").rglob("*.html"),
        *(PROJECT_ROOT / "forum").rglob("*.py"),
    ]
    telling = []
    for path in sources:
        text = path.read_text(encoding="utf-8").lower()
        if "back button" in text or "go back and" in text:
            telling.append(str(path.relative_to(PROJECT_ROOT)))
    assert telling == []

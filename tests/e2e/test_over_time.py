"""Answers over time in the browser: the follow-up form and timeline, "I tried this too" on a
story and on the insights rows, drafts and their preview, and one's own replies.

Each page is checked as a member meets it in use (a form opened, sent back with a message, a
preview shown): axe-core on a laptop, and at 390 px nothing scrolls sideways and every target
is big enough to hit. Then each is done with the keyboard alone (see test_accessibility.py).
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.checks import (
    axe_violations,
    choose_option,
    choose_radio,
    horizontal_overflow,
    press_button,
    skip_to_content,
    small_targets,
    tab_to,
    type_into,
)
from tests.e2e.site import DESKTOP, PHONE, SHOWCASE_MEMBER

FOLLOW_UP_FORM = "details.follow-up-form"


@dataclass(frozen=True)
class FormState:
    """A page brought to one state of its form by `reach(page, showcase, watch)`."""

    name: str
    reach: Callable


def open_follow_up_form(page: Page, showcase: dict, watch) -> None:
    page.goto(f"/experiences/{showcase['own_story_id']}")
    page.locator(f"{FOLLOW_UP_FORM} summary").click()
    expect(page.locator(f"{FOLLOW_UP_FORM} form")).to_be_visible()
    expect(page.locator("#follow-ups .timeline-step")).to_have_count(3)


def follow_up_sent_back(page: Page, showcase: dict, watch) -> None:
    open_follow_up_form(page, showcase, watch)
    form = page.locator(FOLLOW_UP_FORM)
    form.get_by_label("Stopped", exact=True).check()
    form.get_by_label("Made things worse", exact=True).check()
    form.get_by_label("Flare-up the next day", exact=True).check()
    form.get_by_label("Anything to add").fill("Stopped, but I did not say why.")
    with watch.expecting(422):
        form.get_by_role("button", name="Add follow-up").click()
        expect(page.locator(f"{FOLLOW_UP_FORM} .form-errors")).to_be_visible()
    expect(page.get_by_label("Anything to add")).to_have_value("Stopped, but I did not say why.")


def quick_answers_on_a_story(page: Page, showcase: dict, watch) -> None:
    page.goto(f"/experiences/{showcase['experience_id']}")
    expect(page.locator("#quick-answer button[name=outcome]")).to_have_count(5)


def quick_answers_on_insights(page: Page, showcase: dict, watch) -> None:
    page.goto("/insights")
    expect(page.locator("#exercise-walking form.quick-answer")).to_have_count(1)


def quick_answer_page_of_its_own(page: Page, showcase: dict, watch) -> None:
    """The page a quick answer from insights comes back on (a limit, or no outcome chosen):
    sent here without a button, so without an outcome."""
    quick_answers_on_insights(page, showcase, watch)
    page.locator("#exercise-walking select[name=flare]").select_option("next_day")
    with watch.expecting(422), page.expect_navigation():
        page.evaluate("document.querySelector('#exercise-walking form.quick-answer').submit()")
    expect(page.get_by_role("heading", level=1)).to_have_text("I tried walking too")
    expect(page.locator("#quick-answer select[name=flare]")).to_have_value("next_day")


def preview_of_a_new_story(page: Page, showcase: dict, watch) -> None:
    page.goto("/experiences/new")
    page.get_by_label("Title").fill("Half a story, previewed")
    page.get_by_label("Your story").fill("Only *this* much so far.\n\n- a list\n- of two")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Preview of your story")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Half a story, previewed")


def my_experiences_with_a_draft(page: Page, showcase: dict, watch) -> None:
    page.goto("/experiences/mine")
    expect(page.locator(".card.draft")).not_to_have_count(0)


def reply_edit_sent_back(page: Page, showcase: dict, watch) -> None:
    page.goto(f"/replies/{showcase['reply_id']}/edit")
    page.get_by_label("Your reply").fill("")
    with watch.expecting(422):
        page.get_by_role("button", name="Save the reply").click()
        expect(page.locator(".form-errors")).to_be_visible()


STATES = [
    FormState("follow-up-form-open", open_follow_up_form),
    FormState("follow-up-sent-back", follow_up_sent_back),
    FormState("quick-answer-on-a-story", quick_answers_on_a_story),
    FormState("quick-answer-on-insights", quick_answers_on_insights),
    FormState("quick-answer-page", quick_answer_page_of_its_own),
    FormState("new-story-preview", preview_of_a_new_story),
    FormState("my-experiences-draft", my_experiences_with_a_draft),
    FormState("reply-edit-sent-back", reply_edit_sent_back),
]


@pytest.mark.parametrize("state", STATES, ids=[state.name for state in STATES])
def test_over_time_forms_in_use_pass_axe(browsing, showcase, axe, state):
    page = browsing.page(user=SHOWCASE_MEMBER, bypass_csp=True, viewport=DESKTOP)
    state.reach(page, showcase, browsing.watch(page))
    violations = axe_violations(page, axe)
    assert not violations, "\n".join(violations)


@pytest.mark.parametrize("state", STATES, ids=[state.name for state in STATES])
def test_over_time_forms_in_use_fit_a_phone(browsing, showcase, screenshots, state):
    page = browsing.page(user=SHOWCASE_MEMBER, viewport=PHONE)
    state.reach(page, showcase, browsing.watch(page))
    page.screenshot(path=screenshots / f"{state.name}-phone.png", full_page=True)
    problems = horizontal_overflow(page) + [f"too small: {t}" for t in small_targets(page)]
    assert not problems, "\n".join(problems)


# --- the keyboard alone


def test_add_a_follow_up_by_keyboard(browsing, api):
    token = api.member("keyboard_follower")
    story = api.publish(token, title="Tai chi, followed up by keyboard", weeks_tried=4)
    page = browsing.page(user="keyboard_follower")
    page.goto(f"/experiences/{story['id']}")
    skip_to_content(page)
    tab_to(page, f"{FOLLOW_UP_FORM} summary")
    page.keyboard.press("Enter")
    expect(page.locator(f"{FOLLOW_UP_FORM} form")).to_be_visible()
    choose_radio(page, "still_doing", "false")
    choose_radio(page, "stop_reason", "flare_ups")
    choose_radio(page, "outcome", "worse")
    choose_radio(page, "flare", "next_day")
    type_into(page, "#follow-up-body", "Two flare-ups in a month, so I stopped.")
    press_button(page, f"{FOLLOW_UP_FORM} button[type=submit]")
    # A new member's follow-up waits for a moderator; its author sees it on the timeline.
    expect(page.get_by_text("will appear once a moderator has read it")).to_be_visible()
    expect(page.locator("#follow-ups .timeline")).to_contain_text("stopped: flare-ups")
    expect(page.locator("#follow-ups")).to_contain_text("Two flare-ups in a month")


def test_answer_i_tried_this_too_by_keyboard_on_a_story_and_on_insights(browsing, showcase, api):
    api.member("keyboard_quick")
    page = browsing.page(user="keyboard_quick")
    page.goto(f"/experiences/{showcase['experience_id']}")
    skip_to_content(page)
    choose_option(page, "#quick-answer select[name=flare]", "same_day")
    tab_to(page, "#quick-answer button[value=helped]")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_text("your answer counts")).to_be_visible()
    expect(page.locator("#quick-answer legend")).to_contain_text("you said: helped")
    expect(page.locator("#quick-answer select[name=flare]")).to_have_value("same_day")

    page.goto("/insights")
    skip_to_content(page)
    row = "#exercise-tai_chi"
    choose_option(page, f"{row} select[name=flare]", "none")
    tab_to(page, f"{row} button[value=no_change]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/insights#exercise-tai_chi")
    expect(page.locator(f"{row} legend")).to_contain_text("you said: no change")


def test_save_a_draft_again_and_send_it_from_my_experiences_by_keyboard(browsing, api):
    token = api.member("keyboard_finisher")
    draft = api.draft(
        token,
        title="Aqua walking, finished by keyboard",
        exercises=["aquatic_therapy"],
        intensity="gentle",
        outcome="helped",
        flare="none",
    )
    page = browsing.page(user="keyboard_finisher")
    page.goto(f"/experiences/{draft['id']}/edit")
    skip_to_content(page)
    type_into(page, "#body", "Waist-deep walking, ten lengths, twice a week.")
    press_button(page, "main button[value=draft]")
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    page.goto("/experiences/mine")
    skip_to_content(page)
    card = f".card.draft:has(#draft-{draft['id']}-title)"
    expect(page.locator(card)).to_contain_text("Waist-deep walking")
    press_button(page, f"{card} form button[type=submit]")
    expect(page.get_by_text("will appear once a moderator has read it")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aqua walking, finished by keyboard")


def test_delete_a_reply_of_ones_own_by_keyboard(browsing, api):
    story = api.publish(api.member("keyboard_storyteller2"))
    reply = api.reply(api.member("keyboard_unsayer"), story["id"], "Words I take back.")
    page = browsing.page(user="keyboard_unsayer")
    page.goto(f"/experiences/{story['id']}")
    skip_to_content(page)
    press_button(page, f"#reply-{reply['id']} form[action$='/delete'] button")
    expect(page.get_by_text("The reply is deleted.")).to_be_visible()
    # No answer under it: it vanishes.
    expect(page.locator(f"#reply-{reply['id']}")).to_have_count(0)
    expect(page.get_by_text("Words I take back.")).to_have_count(0)

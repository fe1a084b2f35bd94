"""Accessibility: axe-core on the main pages, and every form done with the keyboard alone.

The keyboard tests use only page.keyboard: Tab to move, Space to tick, Enter to follow or send,
and the arrow keys inside a radio group or a select (the keys those controls are built for: Tab
enters a radio group once, it never walks through its buttons).
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.api import PASSWORD
from tests.e2e.checks import (
    axe_violations,
    choose_option,
    choose_radio,
    press_button,
    skip_to_content,
    tab_to,
    tick,
    type_into,
)
from tests.e2e.site import OTHER_PAGE_NAMES, PAGE_NAMES, main_pages, other_pages


@pytest.mark.parametrize("name", PAGE_NAMES + OTHER_PAGE_NAMES)
def test_axe_finds_no_serious_violation(browsing, showcase, axe, name):
    pages = main_pages(showcase) + other_pages(showcase)
    main_page = {page.name: page for page in pages}[name]
    # The CSP would refuse the injected axe script; bypassing it is for this context only.
    page = browsing.page(user=main_page.user, bypass_csp=True)
    response = page.goto(main_page.path)
    assert response.status == 200
    violations = axe_violations(page, axe)
    assert not violations, "\n".join(violations)


def test_axe_finds_no_serious_violation_on_a_form_with_errors(browsing, axe):
    page = browsing.page(bypass_csp=True)
    page.goto("/register")
    page.get_by_label("Username").fill("no spaces allowed")
    with browsing.watch(page).expecting(422):
        page.get_by_role("button", name="Create my account").click()
        expect(page.locator(".form-errors")).to_be_visible()
    violations = axe_violations(page, axe)
    assert not violations, "\n".join(violations)


def test_register_and_fill_the_profile_by_keyboard(browsing):
    page = browsing.page()
    page.goto("/register")
    skip_to_content(page)
    type_into(page, "#username", "keyboard_newcomer")
    type_into(page, "#email", "keyboard@e2e.example")
    type_into(page, "#password", PASSWORD)
    press_button(page, "main button[type=submit]")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")

    skip_to_content(page)
    choose_radio(page, "onset", "injury")
    choose_radio(page, "condition", "fibromyalgia")
    choose_radio(page, "symptom", "pain")
    choose_radio(page, "age_band", "40s")
    press_button(page, "main button[type=submit]")
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    expect(page.get_by_label("Fibromyalgia", exact=True)).to_be_checked()
    expect(page.get_by_label("40s", exact=True)).to_be_checked()


def test_sign_in_by_keyboard(browsing, api):
    api.member("keyboard_returning")
    page = browsing.page()
    page.goto("/login")
    skip_to_content(page)
    type_into(page, "#username", "keyboard_returning")
    type_into(page, "#password", PASSWORD)
    tick(page, "input[name=remember]")
    press_button(page, "main button[type=submit]")
    expect(page.get_by_text("Signed in as keyboard_returning.")).to_be_visible()


def test_share_an_experience_by_keyboard(browsing, api):
    api.member("keyboard_author", onset="illness", condition="me_cfs")
    page = browsing.page(user="keyboard_author")
    page.goto("/experiences/new")
    skip_to_content(page)
    type_into(page, "#title", "Qigong by keyboard, ten minutes a day")
    choose_radio(page, "exercises", "qigong")
    choose_radio(page, "intensity", "gentle")
    type_into(page, "#minutes_per_session", "10")
    choose_radio(page, "outcome", "helped")
    choose_radio(page, "flare", "none")
    choose_radio(page, "effects.fatigue", "better")
    type_into(page, "#body", "Standing qigong, ten minutes each morning, for two months.")
    type_into(page, "#tags", "mornings, short")
    press_button(page, "main button[type=submit]")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Qigong by keyboard, ten minutes a day"
    )
    expect(page.get_by_text("About the author then: An infection or illness")).to_be_visible()


def test_reply_and_me_too_by_keyboard(browsing, showcase, api):
    api.member("keyboard_replier")
    page = browsing.page(user="keyboard_replier")
    page.goto(f"/experiences/{showcase['experience_id']}")
    skip_to_content(page)
    tab_to(page, "#me-too button")
    page.keyboard.press("Space")
    page.wait_for_load_state()
    expect(page.locator("#me-too button")).to_have_attribute("aria-pressed", "true")
    page.goto(f"/experiences/{showcase['experience_id']}")
    skip_to_content(page)
    type_into(page, "#replies textarea", "Typed and sent without a mouse.")
    press_button(page, "#replies button[type=submit]")
    # A new member's reply waits for a moderator; its author sees it, marked so.
    expect(page.get_by_text("your reply will appear once a moderator has read it")).to_be_visible()
    expect(page.locator("#replies")).to_contain_text("Typed and sent without a mouse.")
    expect(page.locator("#replies")).to_contain_text("awaiting review")


def test_search_by_keyboard(browsing, showcase):
    page = browsing.page()
    page.goto("/search")
    skip_to_content(page)
    type_into(page, "main input[name=q]", "walking")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?*")
    expect(
        page.get_by_role("link", name="Walking ten minutes after lunch, every day")
    ).to_have_count(3)


def test_choose_an_insights_group_by_keyboard(browsing, showcase):
    page = browsing.page()
    page.goto("/insights")
    skip_to_content(page)
    choose_option(page, "select#onset", "sedentary")
    choose_option(page, "select#condition", "both")
    press_button(page, "main form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/insights\?onset=sedentary&(\w+=&)*condition=both&"))
    expect(page.get_by_role("rowheader", name="Walking")).to_be_visible()


def test_moderator_approves_by_keyboard(browsing, api):
    experience = api.post(api.member("keyboard_waiting"), title="Waiting for a keyboard approval")
    page = browsing.page(user="mod_e2e")
    page.goto("/moderation")
    skip_to_content(page)
    press_button(page, f"#item-{experience['id']} form:has(input[value=approve]) button")
    expect(page.locator(f"#item-{experience['id']}")).to_have_count(0)


def test_save_a_draft_preview_it_and_edit_a_reply_by_keyboard(browsing, api):
    token = api.member("keyboard_drafter")
    page = browsing.page(user="keyboard_drafter")
    page.goto("/experiences/new")
    skip_to_content(page)
    type_into(page, "#title", "Half a story, typed by keyboard")
    press_button(page, "main button[value=draft]")
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    skip_to_content(page)
    type_into(page, "#body", "Only *this* much so far, and more to come later.")
    press_button(page, "main button[formaction$='/experiences/preview']")
    expect(page.get_by_role("heading", name="Preview of your story")).to_be_visible()
    expect(page.locator(".preview em")).to_have_text("this")
    # Own replies: the edit link and the form, by keyboard.
    experience = api.publish(api.member("keyboard_storyteller"))
    reply = api.reply(token, experience["id"], "My first words.")
    page.goto(f"/experiences/{experience['id']}")
    skip_to_content(page)
    press_button(page, f"a[href='/replies/{reply['id']}/edit']")
    page.wait_for_url(f"**/replies/{reply['id']}/edit")
    skip_to_content(page)
    tab_to(page, "#body")
    page.keyboard.press("Control+End")
    page.keyboard.type(" And a second thought.")
    press_button(page, "main button[type=submit]")
    expect(page.get_by_text("My first words. And a second thought.")).to_be_visible()
    expect(page.locator(f"#reply-{reply['id']} .edited")).to_be_visible()

"""The posting form says, beside its two privacy choices, what sharing the "about me" means,
and posting a members-only story keeps it from visitors."""

from playwright.sync_api import expect

from tests.e2e.pages import choose

SENTENCE = (
    "Your onset, condition, main symptom and age band are shown with this story and can be "
    "used to find it"
)


def test_the_form_states_the_sentence_beside_the_choices(browsing, api):
    api.member("privacy_author", onset="injury")
    page = browsing.page(user="privacy_author")
    page.goto("/experiences/new")
    visibility = page.get_by_role("group", name="Who may read this story?")
    sharing = page.get_by_role("group", name="Show your “about me” answers with this story?")
    expect(visibility.get_by_label("Everyone, signed in or not")).to_be_checked()
    expect(sharing.get_by_label("Yes: show my onset", exact=False)).to_be_checked()
    sentence = page.locator("#privacy-sentence")
    expect(sentence).to_be_visible()
    expect(sentence).to_contain_text(SENTENCE)
    # Beside the choices: right after the second one.
    assert sharing.evaluate("group => group.nextElementSibling.id") == "privacy-sentence"
    choose(page, "Who may read this story?", "Signed-in members only")
    expect(visibility.get_by_label("Signed-in members only")).to_be_checked()

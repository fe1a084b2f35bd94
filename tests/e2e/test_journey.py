"""An experience's life through the pages: shared, approved, found, answered, counted, gone."""

from playwright.sync_api import Page, expect

from tests.e2e.pages import fill_profile, register, search, share_experience, sign_in

# The newcomer's group, with a symptom and age band no other browser test uses, so that the
# insights numbers below are this journey's alone.
PROFILE = {
    "onset": "injury",
    "condition": "fibromyalgia",
    "symptom": "sleep",
    "age_band": "60_plus",
}
PROFILE_ANSWERS = {
    "How did your symptoms begin?": "Injury: accident, collision, fall or surgery",
    "Your condition": "Fibromyalgia",
    "Your main symptom": "Sleep",
    "Your age": "60 or over",
}
TITLE = "Slow tai chi got me sleeping again"
STORY = (
    "After the accident I could not sleep for more than two hours. Fifteen minutes of very "
    "slow tai chi in the evening, seated at first, and within a month I slept through."
)


TOO_FEW_PEOPLE = "Fewer than 3 people have published experiences in this"


def tai_chi_reports(page: Page):
    """The insights page's first cell (people) for tai chi (absent while tai chi is suppressed)."""
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Tai chi"))
    return row.get_by_role("cell").first


def test_an_experience_from_sharing_to_deletion(browsing, api):
    # Insights needs 3 people (the server runs with INSIGHTS_MIN_REPORTS=3, the smallest the
    # app allows); two other members of the same group have already shared published tai chi.
    for name in ("journey_peer1", "journey_peer2"):
        api.publish(api.member(name, **PROFILE), title=f"Tai chi notes from {name}")

    newcomer = browsing.page()
    register(newcomer, "journey_newcomer")
    fill_profile(newcomer, PROFILE_ANSWERS)
    newcomer.goto("/insights")
    expect(newcomer.get_by_text(TOO_FEW_PEOPLE)).to_be_visible()

    experience_id = share_experience(
        newcomer,
        TITLE,
        STORY,
        {
            "Which exercise is this account about?": "Tai chi",
            "How hard?": "Gentle",
            "What did it do for you overall?": "Helped",
            "Did sessions bring on a flare-up?": "No flare-up",
        },
        tags="evenings, pacing",
    )
    expect(newcomer.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(newcomer.get_by_text("Waiting for review", exact=True)).to_be_visible()
    expect(newcomer.get_by_text("About the author then: Injury")).to_be_visible()
    newcomer.goto("/experiences/mine")
    expect(newcomer.get_by_role("link", name=TITLE)).to_be_visible()

    # Nobody else sees it yet, not even through search.
    other = browsing.page()
    register(other, "journey_other")
    with browsing.watch(other).expecting(404):
        response = other.goto(f"/experiences/{experience_id}")
    assert response.status == 404

    moderator = browsing.page()
    sign_in(moderator, "mod_e2e", "moderator password 1")
    moderator.goto("/moderation")
    item = moderator.locator(f"#item-{experience_id}")
    expect(item.get_by_role("heading", name=TITLE)).to_be_visible()
    item.get_by_role("button", name="Approve").click()
    expect(moderator.locator(f"#item-{experience_id}")).to_have_count(0)

    search(other, "taiji")
    result = other.get_by_role("link", name=TITLE)
    expect(result).to_be_visible()
    result.click()
    expect(other.get_by_role("heading", level=1)).to_have_text(TITLE)
    other.get_by_role("button", name="Me too").click()
    expect(other.get_by_text("1 member says “me too”")).to_be_visible()
    other.get_by_label("Your reply").fill("Same for me: the evening practice is what did it.")
    other.get_by_role("button", name="Post reply").click()
    # A new member's reply waits for a moderator (REVIEW_NEW_MEMBER_REPLIES); its author sees it.
    expect(other.get_by_text("your reply will appear once a moderator has read it")).to_be_visible()
    expect(other.locator("#replies")).to_contain_text("the evening practice is what did it")
    expect(other.locator("#replies")).to_contain_text("awaiting review")
    moderator.goto("/moderation?kind=pending")
    waiting = moderator.locator(".queue-item", has_text="the evening practice is what did it")
    waiting.get_by_role("button", name="Approve").click()
    expect(waiting).to_have_count(0)
    newcomer.goto(f"/experiences/{experience_id}")
    expect(newcomer.locator("#replies")).to_contain_text("the evening practice is what did it")

    newcomer.goto("/insights")
    expect(tai_chi_reports(newcomer)).to_have_text("3")

    newcomer.goto(f"/experiences/{experience_id}")
    newcomer.get_by_role("link", name="Delete").click()
    newcomer.get_by_role("button", name="Yes, delete it").click()
    expect(newcomer.get_by_text("Your experience is deleted.")).to_be_visible()

    search(other, "taiji")
    expect(other.get_by_role("link", name=TITLE)).to_have_count(0)
    expect(other.get_by_role("link", name="Tai chi notes from journey_peer1")).to_be_visible()
    newcomer.goto("/insights")
    expect(newcomer.get_by_text(TOO_FEW_PEOPLE)).to_be_visible()

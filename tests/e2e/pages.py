"""Steps members take on the pages, written once for every browser test."""

from playwright.sync_api import Page, expect

from tests.e2e.api import PASSWORD


def register(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/register")
    page.get_by_label("Username").fill(username)
    page.get_by_label("E-mail address").fill(f"{username}@e2e.example")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"Signed in as {username}.")).to_be_visible()


def choose(page: Page, legend: str, option: str) -> None:
    """Tick a radio button or checkbox by the legend of its group and its own label."""
    group = page.get_by_role("group", name=legend, exact=False)
    group.get_by_label(option, exact=True).check()


def fill_profile(page: Page, profile: dict[str, str]) -> None:
    """On /profile, choose the answers given by label, e.g. {"Your condition": "Fibromyalgia"}."""
    page.goto("/profile")
    for legend, option in profile.items():
        choose(page, legend, option)
    page.get_by_role("button", name="Save my profile").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()


def share_experience(page: Page, title: str, body: str, answers: dict[str, str], tags="") -> int:
    """Fill /experiences/new (answers: legend → option label); return the new experience's id."""
    page.goto("/experiences/new")
    page.get_by_label("Title").fill(title)
    for legend, option in answers.items():
        choose(page, legend, option)
    page.get_by_label("Your story").fill(body)
    if tags:
        page.get_by_label("Tags").fill(tags)
    page.get_by_role("button", name="Share my experience").click()
    page.wait_for_url("**/experiences/*")
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


def search(page: Page, words: str) -> None:
    """Search through the search page's own form."""
    page.goto("/search")
    page.get_by_role("search").get_by_role("searchbox").fill(words)
    page.get_by_role("search").get_by_role("searchbox").press("Enter")
    page.wait_for_url("**/search?*")

"""Phones and laptops: no sideways scrolling at 390 px, targets big enough to hit, screenshots.

Every main page is photographed at desktop (1280 px) and phone (390 px) width into
tests/e2e/screenshots/ (ignored by git), for a person to look at.
"""

import pytest

from tests.e2e.checks import horizontal_overflow, small_targets
from tests.e2e.site import (
    DESKTOP,
    OVER_TIME_PAGE_NAMES,
    PAGE_NAMES,
    PHONE,
    main_pages,
    other_pages,
)


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_main_page_fits_a_phone_and_a_laptop(browsing, showcase, screenshots, name):
    main_page = {page.name: page for page in main_pages(showcase)}[name]
    problems = []
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = browsing.page(viewport=viewport, user=main_page.user)
        response = page.goto(main_page.path)
        assert response.status == 200
        page.screenshot(path=screenshots / f"{name}-{label}.png", full_page=True)
        problems += [f"{label}: {problem}" for problem in horizontal_overflow(page)]
        problems += [f"{label}: too small to hit: {target}" for target in small_targets(page)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", OVER_TIME_PAGE_NAMES)
def test_over_time_pages_fit_a_phone(browsing, showcase, name):
    other_page = {page.name: page for page in other_pages(showcase)}[name]
    page = browsing.page(viewport=PHONE, user=other_page.user)
    assert page.goto(other_page.path).status == 200
    problems = horizontal_overflow(page) + [f"too small: {t}" for t in small_targets(page)]
    assert not problems, "\n".join(problems)


def test_preview_fits_a_phone(browsing, showcase):
    page = browsing.page(viewport=PHONE, user="showcase_member")
    page.goto(f"/experiences/{showcase['draft_id']}/edit")
    page.get_by_label("Your story").fill("A *preview* on a phone, with a long line " * 8)
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("heading", name="Preview of your story").wait_for()
    # The heading can be in the DOM before the stylesheet applies: measure the styled page.
    page.wait_for_load_state("load")
    problems = horizontal_overflow(page) + [f"too small: {t}" for t in small_targets(page)]
    assert not problems, "\n".join(problems)

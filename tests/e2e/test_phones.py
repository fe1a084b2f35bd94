"""Phones and laptops: no sideways scrolling at 390 px, targets big enough to hit, screenshots.

Every main page is photographed at desktop (1280 px) and phone (390 px) width into
tests/e2e/screenshots/ (ignored by git), for a person to look at.
"""

import pytest

from tests.e2e.checks import horizontal_overflow, small_targets
from tests.e2e.site import DESKTOP, PAGE_NAMES, PHONE, main_pages


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

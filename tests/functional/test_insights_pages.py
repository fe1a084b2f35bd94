"""/insights and /insights/compare: the group form, charts, tables, notes and bad input."""

import re

import pytest

from tests.factories import TEST_PASSWORD, ExperienceFactory, UserFactory

# The counting, with threshold-only suppression (the protection: test_insights_attacker.py).
pytestmark = pytest.mark.usefixtures("counting_only")


NOTE = "These are self-reported experiences of members, not a\n  clinical study."


@pytest.fixture
def stories(ctx):
    """Sixteen members, one story each: ten with an injury onset, six with a desk-job one."""
    for number in range(16):
        ExperienceFactory(
            author=UserFactory(),
            onset="injury" if number < 10 else "sedentary",
            condition="fibromyalgia",
            exercises=("qigong",) if number < 13 else ("qigong", "hiit"),
            outcome=["helped", "helped_a_lot", "no_change", "worse"][number % 4],
            intensity="gentle",
        )


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def test_anonymous_visitors_see_everyone(client, stories):
    html = page(client, "/insights")
    assert "Showing: <strong>everyone</strong>" in html
    assert "This group has <strong>16 people</strong>" in html
    assert NOTE in html
    assert "members who chose to post" in html
    assert "cannot say what caused what" in html
    assert "invented by the demo generator" not in html


def test_members_see_people_like_them_by_default(client, auth, stories):
    UserFactory(username="maple", onset="injury", condition="fibromyalgia")
    auth.login("maple", TEST_PASSWORD)

    html = page(client, "/insights")

    assert "People like you: <strong>injury onset, Fibromyalgia</strong>" in html
    assert '<option value="injury" selected>' in html
    assert '<option value="fibromyalgia" selected>' in html
    assert "This group has <strong>10 people</strong>" in html
    # Even everyone is fewer than 30 people here: no answer is dropped, wider groups offered.
    assert "we left out" not in html
    assert "Nearest\n        wider groups" in html


def test_members_can_switch_to_anyone_with_the_form(client, auth, stories):
    UserFactory(username="maple", onset="injury")
    auth.login("maple", TEST_PASSWORD)
    html = page(client, "/insights?onset=&condition=&symptom=&age_band=")
    assert "Showing: <strong>everyone</strong>" in html


def test_each_exercise_is_an_accessible_server_drawn_bar(client, stories):
    html = page(client, "/insights?onset=injury")

    bar = re.search(r'<svg class="insight-bar"[^>]*>', html).group(0)
    assert 'role="img"' in bar
    assert 'aria-label="Qigong, 10 people: helped a lot 3, helped 3, no change 2,' in bar
    for outcome in (
        "bar-much-worse",
        "bar-worse",
        "bar-no-change",
        "bar-helped",
        "bar-helped-a-lot",
    ):
        assert outcome in html  # legend swatches and bars share the classes
    assert "How to read the bars" in html
    assert 'href="/experiences?exercise=qigong&amp;onset=injury"' in html
    assert "<table" in html and '<caption id="numbers-caption">' in html
    assert "95% interval" in html


def test_pages_carry_no_inline_styles_or_scripts(client, stories):
    for url in ("/insights", "/insights/compare"):
        html = page(client, url)
        assert "style=" not in html
        assert "<script" not in html


def test_rows_say_how_the_group_differs_from_everyone_outside_it(client, stories):
    html = page(client, "/insights?onset=injury")
    # Injury: 6 of 10 helped; everyone outside the group: 2 of 6.
    assert "Everyone outside this group: helped\n      33% of 6 people." in html
    assert "Difference: <strong>+27 points (95% interval" in html
    assert "cannot tell apart" in html
    assert "Helped</dt><dd>Helped or helped a lot." in html
    assert "Holm" in html


def test_suppressed_exercises_are_named_without_numbers(client, stories):
    html = page(client, "/insights?onset=sedentary")
    assert "Not shown because fewer than 5 people in this group told of" in html
    assert "HIIT" in html
    assert 'aria-label="HIIT' not in html


def test_a_group_too_small_shows_no_numbers(client, stories):
    html = page(client, "/insights?onset=stress")
    assert "Fewer than 5 people have published experiences in this\n    group" in html
    assert "insight-bar" not in html


def test_intensity_breakdown_sits_in_a_disclosure(client, stories):
    html = page(client, "/insights")
    assert "<summary>Qigong by intensity</summary>" in html
    assert 'href="/experiences?exercise=qigong&amp;intensity=gentle"' in html


def test_an_unknown_key_shows_a_message_beside_the_field(client, stories):
    html = page(client, "/insights?onset=desk", status=422)
    assert 'id="onset-errors"' in html
    assert 'aria-invalid="true"' in html
    assert "Choose one of:" in html


def test_the_nav_links_to_insights(client):
    assert 'href="/insights">What helped</a>' in page(client, "/")


def test_compare_defaults_to_desk_job_against_injury(client, stories):
    html = page(client, "/insights/compare")
    assert "Group A: desk-job or sitting onset" in html
    assert "Group B: injury onset" in html
    assert "Helped, group A minus group B:" in html
    assert "cannot tell the two groups apart" in html


def test_compare_form_redirects_to_the_short_address(client, stories):
    response = client.get("/insights/compare?a_onset=injury&a_condition=&b_condition=fibromyalgia")
    assert response.status_code == 302
    assert response.headers["Location"] == (
        "/insights/compare?a=onset:injury&b=condition:fibromyalgia"
    )


def test_compare_with_a_bad_group_shows_a_message(client, stories):
    html = page(client, "/insights/compare?a=onset:desk&b=everyone", status=422)
    assert 'id="a-errors"' in html
    assert "onset: Choose one of:" in html


def test_story_links_lead_to_the_stories_behind_the_bar(client, stories):
    for _ in range(5):
        ExperienceFactory(onset="injury", age_band="40s", exercises=("qigong",))
    ExperienceFactory(onset="injury", age_band="60_plus", exercises=("qigong",))
    html = page(client, "/insights?onset=injury&age_band=40s")
    link = "/experiences?exercise=qigong&amp;onset=injury&amp;age_band=40s"
    assert link in html
    stories = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert stories.count('class="card') == 5

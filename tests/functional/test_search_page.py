"""The /search page: form, facet links with counts, highlighted results, paging, help."""

import re

import pytest

from tests.factories import ExperienceFactory, UserFactory


@pytest.fixture
def stories(ctx):
    author = UserFactory(username="rowan")
    made = [
        ExperienceFactory(
            author=author,
            title=f"Tai chi week {number}",
            body="Gentle taiji in the park; <script>alert('x')</script> no flare.",
            exercises=("tai_chi",) if number % 2 else ("tai_chi", "walking"),
            onset="injury",
            outcome="helped",
        )
        for number in range(23)
    ]
    made.append(ExperienceFactory(author=author, title="Qigong nights", exercises=("qigong",)))
    return made


def test_the_nav_links_to_search(client):
    assert 'href="/search"' in client.get("/").get_data(as_text=True)


def test_results_are_highlighted_escaped_and_linked(client, stories):
    html = client.get("/search?q=taiji").get_data(as_text=True)
    assert "23 experiences, page 1 of 2" in html
    assert "<mark>Tai chi</mark> week" in html
    # The 23 stories score alike: which 20 make the first page is a tie order, not a rule.
    linked = [story for story in stories[:23] if f'href="/experiences/{story.id}"' in html]
    assert len(linked) == 20
    assert "<script>" not in html and "&lt;script&gt;" in html or "&lt;script" in html


def test_facet_links_carry_counts_and_narrow_the_results(client, stories):
    html = client.get("/search?q=taiji").get_data(as_text=True)
    assert re.search(
        r'href="/search\?q=taiji&amp;exercise=walking">Walking <span class="meta">\(12\)', html
    )
    narrowed = client.get("/search?q=taiji&exercise=walking").get_data(as_text=True)
    assert "12 experiences" in narrowed
    assert "(remove this filter)" in narrowed


def test_paging_keeps_the_query(client, stories):
    html = client.get("/search?q=taiji&page=2").get_data(as_text=True)
    assert "page 2 of 2" in html
    assert 'href="/search?q=taiji&amp;page=1" rel="prev"' in html


def test_a_misspelling_gets_a_suggestion_and_helpful_empty_state(client, stories):
    html = client.get("/search?q=qigon").get_data(as_text=True)
    assert "No published experiences match" in html
    assert 'Did you mean\n      <a href="/search?q=qigong">qigong</a>?' in html
    assert 'href="/experiences"' in html


def test_an_empty_query_lists_the_newest(client, stories):
    html = client.get("/search").get_data(as_text=True)
    assert "24 experiences" in html


def test_invalid_filters_get_a_clear_message(client, stories):
    response = client.get("/search?q=taiji&onset=nonsense")
    assert response.status_code == 400
    assert "Some of this search could not be used" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    ['"', "title:(", "OR", "-", "*", "%00", "\x00", "🙂", "x" * 5000, "((", "AND NOT"],
)
def test_hostile_queries_never_fail(client, stories, query):
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200

"""Listing published experiences: every filter, stable pagination, a fixed number of queries."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from markupsafe import escape
from sqlalchemy import event

from forum.clock import utcnow
from forum.extensions import db
from forum.models import Tag
from tests.factories import ExperienceFactory, UserFactory


@pytest.fixture
def catalogue(ctx):
    """A handful of published experiences differing in one field each, plus unpublished ones."""
    maple = UserFactory(username="maple")
    pacing = Tag(name="pacing")
    ExperienceFactory(title="Qigong story", exercises=("qigong", "walking"), author=maple)
    ExperienceFactory(title="Injury story", onset="injury", tags=[pacing])
    ExperienceFactory(title="ME story", condition="me_cfs", symptom="fatigue", age_band="60_plus")
    ExperienceFactory(title="Worse story", outcome="worse", intensity="vigorous", me_too_count=7)
    for status in ("pending", "rejected", "hidden", "deleted"):
        ExperienceFactory(title=f"{status} story", status=status, onset="injury")
    return ctx


def titles(client, query=""):
    response = client.get(f"/api/v1/experiences?{query}")
    assert response.status_code == 200, response.get_json()
    return {item["title"] for item in response.get_json()["items"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Qigong story", "Injury story", "ME story", "Worse story"}),
        ("exercise=qigong", {"Qigong story"}),
        ("exercise=walking", {"Qigong story", "Injury story", "ME story", "Worse story"}),
        ("onset=injury", {"Injury story"}),
        ("condition=me_cfs", {"ME story"}),
        ("symptom=fatigue", {"ME story"}),
        ("age_band=60_plus", {"ME story"}),
        ("outcome=worse", {"Worse story"}),
        ("intensity=vigorous", {"Worse story"}),
        ("tag=pacing", {"Injury story"}),
        ("tag=PACING", {"Injury story"}),
        ("author=MAPLE", {"Qigong story"}),
        ("author=nobody", set()),
        ("exercise=walking&outcome=helped&onset=injury", {"Injury story"}),
    ],
)
def test_filters(client, catalogue, query, expected):
    assert titles(client, query) == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("exercise=parkour", "exercise"),
        ("outcome=great", "outcome"),
        ("age_band=70s", "age_band"),
        ("sort=oldest", "sort"),
        ("page=0", "page"),
        ("page=abc", "page"),
        ("per_page=101", "per_page"),
        ("per_page=0", "per_page"),
        ("tag=no%20spaces", "tag"),
        ("page=99999999999999999999999", "page"),
    ],
)
def test_an_invalid_query_is_a_400_naming_the_field(client, catalogue, query, field):
    response = client.get(f"/api/v1/experiences?{query}")
    assert response.status_code == 400
    message = response.get_json()["error"]["fields"][field][0]
    page = client.get(f"/experiences?{query}")
    assert page.status_code == 400
    assert escape(message) in page.get_data(as_text=True)


def test_sort_by_me_too(client, catalogue):
    items = client.get("/api/v1/experiences?sort=most_me_too").get_json()["items"]
    assert items[0]["title"] == "Worse story"


def test_pages_are_stable_when_times_tie(client, ctx):
    moment = utcnow() - timedelta(hours=1)
    created = [ExperienceFactory(published_at=moment).id for _ in range(7)]
    seen = []
    for page in (1, 2, 3):
        body = client.get(f"/api/v1/experiences?per_page=3&page={page}").get_json()
        assert (body["page"], body["per_page"], body["total"]) == (page, 3, 7)
        seen += [item["id"] for item in body["items"]]
    assert seen == sorted(created, reverse=True)


def test_newest_first(client, ctx):
    old = ExperienceFactory(published_at=utcnow() - timedelta(days=3), title="Older one")
    ExperienceFactory(title="Newer one")
    items = client.get("/api/v1/experiences").get_json()["items"]
    assert [item["title"] for item in items] == ["Newer one", old.title]


@contextmanager
def counting_queries():
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _fill(count: int, offset: int) -> None:
    """`count` published experiences with 1-3 exercises and 0-2 tags each, in one commit."""
    author = UserFactory()
    db.session.add_all(
        ExperienceFactory.build(
            author=author,
            exercises=("walking", "yoga", "qigong")[: 1 + n % 3],
            tags=[Tag(name=f"tag-{offset}-{n}-{k}") for k in range(n % 3)],
        )
        for n in range(count)
    )
    db.session.commit()


@pytest.mark.parametrize("url", ["/api/v1/experiences?per_page=20", "/experiences"])
def test_a_page_of_twenty_costs_a_fixed_number_of_queries(client, ctx, url):
    _fill(20, 0)
    client.get(url)  # warm per-process caches (the demo-data banner check)
    with counting_queries() as first:
        assert client.get(url).status_code == 200
    _fill(40, 1)
    with counting_queries() as second:
        assert client.get(url).status_code == 200
    assert len(first) == len(second)
    assert len(first) <= 6


def test_the_list_page_shows_cards_and_keeps_filters_in_page_links(client, ctx):
    _fill(21, 0)
    page = client.get("/experiences?outcome=helped").get_data(as_text=True)
    assert page.count('class="card"') == 20
    assert "outcome=helped" in page.split('rel="next"')[0].rsplit("href=", 1)[1]

"""GET /api/v1/search exactly as the contract has it."""

import pytest

from tests.factories import ExperienceFactory, UserFactory

CONTRACT_FIELDS = {
    "id", "title", "body", "body_html", "exercises", "intensity", "minutes_per_session",
    "sessions_per_week", "weeks_tried", "outcome", "flare", "effects", "tags", "onset",
    "condition", "symptom", "age_band", "status", "author", "me_too_count", "reply_count",
    "created_at", "updated_at", "published_at",
}  # fmt: skip


@pytest.fixture
def stories(ctx):
    author = UserFactory(username="linden", email="linden@example.org")
    published = ExperienceFactory(
        author=author,
        title="Qigong before sleep",
        body="Chi kung helped me <b>sleep</b>.",
        exercises=("qigong",),
        onset="illness",
        outcome="helped_a_lot",
    )
    ExperienceFactory(author=author, title="Qigong draft", status="pending", published_at=None)
    return published


def test_contract_shape(client, stories):
    body = client.get("/api/v1/search?q=qi gong sleep").get_json()
    assert set(body) >= {"items", "total", "facets", "suggestion", "page", "per_page"}
    assert body["total"] == 1 and body["page"] == 1 and body["per_page"] == 20
    item = body["items"][0]
    assert set(item) == {"experience", "highlights"}
    assert set(item["experience"]) >= CONTRACT_FIELDS
    assert item["experience"]["status"] == "published"
    assert item["experience"]["author"] == {"username": "linden"}
    assert "linden@example.org" not in str(body)
    assert item["highlights"] == {
        "title": "<mark>Qigong</mark> before <mark>sleep</mark>",
        "body": "<mark>Chi kung</mark> helped me &lt;b&gt;<mark>sleep</mark>&lt;/b&gt;.",
    }
    assert body["facets"] == {
        "exercise": {"qigong": 1},
        "onset": {"illness": 1},
        "outcome": {"helped_a_lot": 1},
        "onset_detail": {},
    }
    assert body["suggestion"] is None


def test_only_published_ever(client, stories):
    body = client.get("/api/v1/search?q=qigong").get_json()
    assert [item["experience"]["id"] for item in body["items"]] == [stories.id]


def test_suggestion_and_paging(client, stories):
    assert client.get("/api/v1/search?q=qigongg").get_json()["suggestion"] == "qigong"
    body = client.get("/api/v1/search?q=qigong&page=2&per_page=1").get_json()
    assert body["items"] == [] and body["total"] == 1 and body["page"] == 2


@pytest.mark.parametrize(
    "query_string",
    ["per_page=0", "per_page=101", "page=0", "page=x", "sort=oldest", "onset=nope", "tag=A!"],
)
def test_malformed_queries_are_400_with_the_field(client, stories, query_string):
    response = client.get(f"/api/v1/search?{query_string}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "bad_request" and error["fields"]


@pytest.mark.parametrize(
    "query", ['"', "title:(", "status:pending", "\x00", "*", "x" * 5000, "-", "OR OR"]
)
def test_hostile_queries_are_answered(client, stories, query):
    response = client.get("/api/v1/search", query_string={"q": query})
    assert response.status_code == 200
    assert all(i["experience"]["status"] == "published" for i in response.get_json()["items"])

"""Ids in URLs: one too large for any row is the view's 404, never a database error or a 405."""

import pytest

from tests.factories import UserFactory

# Past 32 bits (PostgreSQL refuses it for an integer column) and past 64 (SQLite cannot bind it).
IMPOSSIBLE = ("2147483648", "9" * 25)


@pytest.mark.parametrize("number", IMPOSSIBLE)
@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("get", "/api/v1/experiences/{}", None),
        ("patch", "/api/v1/experiences/{}", {}),
        ("delete", "/api/v1/experiences/{}", None),
        ("get", "/api/v1/experiences/{}/replies", None),
        ("post", "/api/v1/experiences/{}/me-too", None),
        ("post", "/api/v1/replies/{}/flags", {"reason": "spam"}),
        ("post", "/api/v1/moderation/experiences/{}/decision", {"action": "approve"}),
    ],
)
def test_an_impossible_id_in_the_api_is_a_json_404(app, client, auth, method, url, body, number):
    with app.app_context():
        UserFactory(username="maple", role="moderator")
    response = getattr(client, method)(url.format(number), json=body, headers=auth.headers())
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("number", IMPOSSIBLE)
def test_an_impossible_id_on_a_page_is_the_404_page(client, number):
    response = client.get(f"/experiences/{number}")
    assert response.status_code == 404
    assert b"could not find" in response.data

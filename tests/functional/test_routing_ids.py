"""Ids in URLs: one too long for any row is a plain 404, never a database error or a 405."""

import pytest

HUGE = "9" * 25  # past 64 bits: SQLite cannot even bind it


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", f"/api/v1/experiences/{HUGE}"),
        ("patch", f"/api/v1/experiences/{HUGE}"),
        ("delete", f"/api/v1/experiences/{HUGE}"),
        ("get", f"/api/v1/experiences/{HUGE}/replies"),
        ("post", f"/api/v1/experiences/{HUGE}/me-too"),
        ("post", f"/api/v1/replies/{HUGE}/flags"),
        ("post", f"/api/v1/moderation/experiences/{HUGE}/decision"),
    ],
)
def test_an_impossible_id_in_the_api_is_a_json_404(client, method, url):
    response = getattr(client, method)(url, json={})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_an_impossible_id_on_a_page_is_the_404_page(client):
    assert client.get(f"/experiences/{HUGE}").status_code == 404


def test_ids_up_to_ten_digits_still_reach_the_view(client):
    response = client.get("/api/v1/experiences/2147483648")
    assert response.status_code == 404
    assert response.get_json()["error"]["message"] == "We could not find that experience."

"""What the API fuzzing found, kept fixed: control characters that PostgreSQL refuses in a
query parameter (a 500 there) are input errors before any query runs, on every database."""

NUL = "\x00"


def test_a_nul_in_the_author_filter_is_a_bad_query(client):
    response = client.get("/api/v1/experiences?author=ma%00ple")
    assert response.status_code == 400
    assert "author" in response.get_json()["error"]["fields"]


def test_a_nul_in_the_author_filter_of_the_page_is_not_an_error_page(client):
    assert client.get("/experiences?author=ma%00ple").status_code < 500


def test_a_nul_in_a_token_request_username_is_invalid(client):
    response = client.post("/api/v1/auth/tokens", json={"username": f"ma{NUL}ple", "password": "x"})
    assert response.status_code == 422
    assert "username" in response.get_json()["error"]["fields"]


def test_a_nul_in_the_sign_in_form_keeps_the_form(client):
    response = client.post("/login", data={"username": f"ma{NUL}ple", "password": "x"})
    assert response.status_code == 422

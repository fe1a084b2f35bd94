"""The app starts, serves its pages and answers the API in the contract's shapes."""


def test_home_page_renders(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Personal experiences, not medical advice" in response.data


def test_register_sign_in_and_profile_through_the_pages(client, auth):
    response = client.post(
        "/register",
        data={
            "username": "maple",
            "email": "maple@example.org",
            "password": "correct horse battery",
        },
    )
    assert response.status_code == 302
    auth.logout()
    assert auth.login().status_code == 302
    response = client.post("/profile", data={"onset": "injury", "condition": "", "symptom": "pain"})
    assert response.status_code == 302
    page = client.get("/profile").get_data(as_text=True)
    assert 'value="injury" checked' in page


def test_api_register_token_and_me(client):
    response = client.post(
        "/api/v1/auth/register",
        json={
            "username": "maple",
            "email": "maple@example.org",
            "password": "correct horse battery",
        },
    )
    assert response.status_code == 201
    assert response.get_json()["user"]["username"] == "maple"
    token = client.post(
        "/api/v1/auth/tokens", json={"username": "MAPLE", "password": "correct horse battery"}
    ).get_json()["token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.get_json()["email"] == "maple@example.org"


def test_unknown_api_route_is_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"

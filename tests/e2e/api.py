"""Seeding through the real JSON API, for what a journey needs but does not itself walk through."""

import json
import urllib.error
import urllib.request

from tests.e2e.server import MODERATOR

PASSWORD = "e2e password 123"
GENTLE_TAI_CHI = {
    "title": "Gentle tai chi twice a week",
    "body": "Twenty minutes of slow tai chi forms, sitting down when I needed to.",
    "exercises": ["tai_chi"],
    "intensity": "gentle",
    "outcome": "helped",
    "flare": "none",
}


class ApiError(AssertionError):
    """The API answered with an unexpected status; the message carries its JSON error."""


class Api:
    """A tiny client for /api/v1 on the live server."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self._moderator_token: str | None = None

    def call(self, method: str, path: str, body=None, token: str | None = None, expect=200):
        data = None if body is None else json.dumps(body).encode()
        url = self.base_url + "/api/v1" + path  # always the live server's http:// URL
        request = urllib.request.Request(url, data, method=method)  # noqa: S310
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
        if status != expect:
            raise ApiError(f"{method} {path}: {status}, expected {expect}: {text[:500]}")
        return json.loads(text) if text else None

    def token(self, username: str, password: str = PASSWORD) -> str:
        credentials = {"username": username, "password": password}
        return self.call("POST", "/auth/tokens", credentials, expect=201)["token"]

    def member(self, username: str, **profile) -> str:
        """Register a member with this profile; return an API token for them."""
        account = {"username": username, "email": f"{username}@e2e.example", "password": PASSWORD}
        self.call("POST", "/auth/register", account, expect=201)
        token = self.token(username)
        if profile:
            self.call("PATCH", "/me", profile, token=token)
        return token

    @property
    def moderator_token(self) -> str:
        if self._moderator_token is None:
            self._moderator_token = self.token(*MODERATOR)
        return self._moderator_token

    def post(self, token: str, **fields) -> dict:
        """Post an experience (fields over GENTLE_TAI_CHI); return it as the API shows it."""
        return self.call("POST", "/experiences", {**GENTLE_TAI_CHI, **fields}, token, expect=201)

    def publish(self, token: str, **fields) -> dict:
        """Post an experience and have the moderator approve it when it waits for review."""
        experience = self.post(token, **fields)
        if experience["status"] == "pending":
            decision = {"action": "approve"}
            path = f"/moderation/experiences/{experience['id']}/decision"
            experience = self.call("POST", path, decision, self.moderator_token)
        return experience

    def reply(self, token: str, experience_id: int, body: str, approve: bool = True) -> dict:
        """Reply; a new member's reply waits for review, so the moderator approves it unless
        `approve` is False."""
        path = f"/experiences/{experience_id}/replies"
        reply = self.call("POST", path, {"body": body}, token, expect=201)
        if approve and reply["status"] == "pending":
            path = f"/moderation/replies/{reply['id']}/decision"
            reply = self.call("POST", path, {"action": "approve"}, self.moderator_token)
        return reply

    def draft(self, token: str, **fields) -> dict:
        """Save a draft (only the fields given); return it as the API shows it."""
        return self.call("POST", "/experiences", {**fields, "draft": True}, token, expect=201)

    def follow_up(self, token: str, experience_id: int, approve: bool = True, **fields) -> dict:
        """Add a follow-up (fields over "still doing it, helped, no flare-ups"); a new member's
        waits for review, so the moderator approves it unless `approve` is False."""
        body = {"still_doing": True, "outcome": "helped", "flare": "none", **fields}
        path = f"/experiences/{experience_id}/follow-ups"
        follow_up = self.call("POST", path, body, token, expect=201)
        if approve and follow_up["status"] == "pending":
            follow_up = self.approve_follow_up(follow_up["id"])
        return follow_up

    def approve_follow_up(self, follow_up_id: int) -> dict:
        path = f"/moderation/follow-ups/{follow_up_id}/decision"
        return self.call("POST", path, {"action": "approve"}, self.moderator_token)

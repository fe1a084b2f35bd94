"""The clients of bench/load_fault.py: HTTP over loopback, one record per request, and the
mix each of the 16 client threads walks (post, approve, reply, "me too", search, read API and
pages). Replies (to the author and watchers, and to the members they mention), "me too" and
approvals notify members who chose e-mail at once: the mail the run's worker delivers."""

import http.client
import itertools
import json
import random
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

HOST = "127.0.0.1"
TIMEOUT_SECONDS = 30.0
# Letters no stemmer rule touches at a word's end: each title's unique word stays one term.
WORD_LETTERS = "bcdfghjkmnpqrtvwxz"
# In every title of the run, so one search counts what the index holds.
MARKER = "lfmark"
EXERCISES = ("walking", "yoga", "tai_chi", "qigong", "stretching", "swimming", "cycling")
COMMON_QUERIES = ("walking", "tai chi", "pacing mornings", "yoga", "gentle stretching", "qi gong")
# Weights of one client step; "approve" is a queue read followed by a decision.
MIX = {
    "post": 15,
    "approve": 10,
    "reply": 4,
    "me_too": 3,
    "search_api": 20,
    "list_api": 10,
    "detail_api": 15,
    "home_html": 5,
    "list_html": 7,
    "detail_html": 10,
    "search_html": 8,
}


@dataclass
class Record:
    """One request as the client saw it; times are seconds since the run started."""

    kind: str
    request_id: str
    started: float
    ended: float
    status: int | None  # None: no HTTP answer at all (see `error`)
    error: str | None = None
    worker: int | None = None
    path: str = ""

    @property
    def latency_ms(self) -> float:
        return (self.ended - self.started) * 1000


def unique_word(number: int) -> str:
    """A made-up word for experience `number` of this run: 'zq' + letters + 'qz'."""
    letters = ""
    while True:
        number, digit = divmod(number, len(WORD_LETTERS))
        letters = WORD_LETTERS[digit] + letters
        if number == 0:
            return f"zq{letters}qz"


@dataclass
class Shared:
    """What every client thread sees: the records and what the run has created so far."""

    port: int
    origin: float
    moderator_token: str
    member_names: list[str] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    # id -> title, word, status at 201, author's name
    created: dict[int, dict] = field(default_factory=dict)
    approved: set[int] = field(default_factory=set)
    published: list[int] = field(default_factory=list)
    published_set: set[int] = field(default_factory=set)
    answered: set[str] = field(default_factory=set)  # request ids that got any HTTP answer
    unpublished_in_search: set[int] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    numbers: itertools.count = field(default_factory=lambda: itertools.count(1))

    def now(self) -> float:
        return time.monotonic() - self.origin

    def mark_published(self, experience_id: int) -> None:
        with self.lock:
            if experience_id not in self.published_set:
                self.published_set.add(experience_id)
                self.published.append(experience_id)


def call(shared: Shared, kind: str, request_id: str, method: str, path: str,
         token: str | None = None, body: dict | None = None) -> tuple[Record, object]:  # fmt: skip
    """Send one request on a fresh connection; record it; return the record and parsed JSON."""
    headers = {"X-Request-ID": request_id, "Connection": "close"}
    payload = None
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if body is not None:
        payload = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    started = shared.now()
    connection = http.client.HTTPConnection(HOST, shared.port, timeout=TIMEOUT_SECONDS)
    data = None
    try:
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        raw = response.read()
        served_by = response.getheader("X-Served-By")
        record = Record(kind, request_id, started, shared.now(), response.status,
                        worker=int(served_by) if served_by else None, path=path)  # fmt: skip
        if "json" in (response.getheader("Content-Type") or "") and raw:
            data = json.loads(raw)
    except (OSError, http.client.HTTPException) as error:
        failure = type(error).__name__
        record = Record(kind, request_id, started, shared.now(), None, error=failure, path=path)
    finally:
        connection.close()
    shared.records.append(record)
    if record.status is not None:
        shared.answered.add(request_id)
    return record, data


def approval(item: dict) -> tuple[str, str, dict]:
    """The request that approves a pending item of the moderation queue: (kind, path, body).
    An experience is decided on the version the moderator saw; a reply on its status."""
    if item["type"] == "experience":
        decision = {"action": "approve", "version": item["version"]}
        return "approve", f"/api/v1/moderation/experiences/{item['id']}/decision", decision
    if item["type"] == "reply":
        path = f"/api/v1/moderation/replies/{item['id']}/decision"
        return "approve_reply", path, {"action": "approve"}
    raise ValueError(f"the run makes no pending {item['type']}")


class Client(threading.Thread):
    """One member walking the mix until the deadline; also acts as a moderator at times."""

    def __init__(self, shared: Shared, number: int, member: tuple[str, str], deadline: float,
                 seed: int):  # fmt: skip
        super().__init__(name=f"client-{number}", daemon=True)
        self.shared, self.number, self.deadline = shared, number, deadline
        self.username, self.token = member
        self.rng = random.Random(seed * 1000 + number)
        self.sequence = itertools.count(1)
        self.own: list[int] = []

    def request(self, kind, method, path, token=None, body=None):
        request_id = f"lf-{self.number}-{next(self.sequence)}"
        return call(self.shared, kind, request_id, method, path, token, body)

    def run(self) -> None:
        kinds, weights = list(MIX), list(MIX.values())
        while self.shared.now() < self.deadline:
            kind = self.rng.choices(kinds, weights)[0]
            getattr(self, kind)()

    def known_id(self) -> int | None:
        published = self.shared.published
        return self.rng.choice(published) if published else None

    def query(self) -> str:
        with self.shared.lock:
            words = [entry["word"] for entry in self.shared.created.values()]
        if words and self.rng.random() < 0.5:
            return self.rng.choice(words)
        return self.rng.choice(COMMON_QUERIES)

    def post(self) -> None:
        number = next(self.shared.numbers)
        word = unique_word(number)
        exercises = self.rng.sample(EXERCISES, self.rng.randint(1, 3))
        first = exercises[0].replace("_", " ")
        body = {
            "title": f"Load run note {word} {MARKER} on pacing and {first}",
            "body": f"Written by the load test client {self.number}. Short sessions, "
            f"then rest; {word} marks this one so search can find it.",
            "exercises": exercises,
            "intensity": self.rng.choice(("gentle", "moderate")),
            "outcome": self.rng.choice(("helped", "no_change", "helped_a_lot")),
            "flare": self.rng.choice(("none", "next_day")),
            "minutes_per_session": self.rng.randint(5, 60),
            "tags": ["load-test", "pacing"],
        }
        record, data = self.request("post", "POST", "/api/v1/experiences", self.token, body)
        if record.status == 201 and isinstance(data, dict):
            with self.shared.lock:
                self.shared.created[data["id"]] = {
                    "title": body["title"], "word": word, "status": data["status"],
                    "author": self.username,
                }  # fmt: skip
            self.own.append(data["id"])
            if data["status"] == "published":
                self.shared.mark_published(data["id"])

    def approve(self) -> None:
        path = "/api/v1/moderation/queue?kind=pending&per_page=20"
        record, data = self.request("queue", "GET", path, self.shared.moderator_token)
        items = data.get("items") if record.status == 200 and isinstance(data, dict) else None
        if not items:
            return
        item = self.rng.choice(items)
        kind, path, decision = approval(item)
        record, _ = self.request(kind, "POST", path, self.shared.moderator_token, decision)
        if record.status == 200 and kind == "approve":
            with self.shared.lock:
                self.shared.approved.add(item["id"])
            self.shared.mark_published(item["id"])

    def reply(self) -> None:
        """A reply naming up to two other members ("@name"): mail to each of them, and to the
        experience's author and watchers (the run's members want every kind at once)."""
        if (experience_id := self.known_id()) is None:
            return
        others = [name for name in self.shared.member_names if name != self.username]
        named = self.rng.sample(others, min(len(others), self.rng.randint(0, 2)))
        body = {"body": " ".join(["Same here: short walks, then rest.", *(f"@{n}" for n in named)])}
        path = f"/api/v1/experiences/{experience_id}/replies"
        self.request("reply", "POST", path, self.token, body)

    def me_too(self) -> None:
        """ "Me too" on someone else's published experience (a repeat changes nothing)."""
        for _ in range(5):
            experience_id = self.known_id()
            if experience_id is None:
                return
            author = self.shared.created.get(experience_id, {}).get("author")
            if author is not None and author != self.username:
                path = f"/api/v1/experiences/{experience_id}/me-too"
                self.request("me_too", "POST", path, self.token)
                return

    def search_api(self) -> None:
        path = "/api/v1/search?" + urllib.parse.urlencode({"q": self.query()})
        record, data = self.request("search_api", "GET", path)
        if record.status == 200 and isinstance(data, dict):
            for hit in data["items"]:
                # Search shows published experiences only, ever; nothing here unpublishes.
                if hit["experience"]["status"] != "published":
                    self.shared.unpublished_in_search.add(hit["experience"]["id"])

    def list_api(self) -> None:
        path = f"/api/v1/experiences?per_page=20&page={self.rng.randint(1, 3)}"
        record, data = self.request("list_api", "GET", path)
        if record.status == 200 and isinstance(data, dict):
            for item in data["items"]:
                self.shared.mark_published(item["id"])

    def detail_api(self) -> None:
        # Authors also read their own, pending ones included.
        if self.own and self.rng.random() < 0.3:
            path = f"/api/v1/experiences/{self.rng.choice(self.own)}"
            self.request("detail_api", "GET", path, self.token)
        elif (experience_id := self.known_id()) is not None:
            self.request("detail_api", "GET", f"/api/v1/experiences/{experience_id}")

    def home_html(self) -> None:
        self.request("home_html", "GET", "/")

    def list_html(self) -> None:
        self.request("list_html", "GET", f"/experiences?page={self.rng.randint(1, 2)}")

    def detail_html(self) -> None:
        if (experience_id := self.known_id()) is not None:
            self.request("detail_html", "GET", f"/experiences/{experience_id}")

    def search_html(self) -> None:
        self.request("search_html", "GET", "/search?" + urllib.parse.urlencode({"q": self.query()}))

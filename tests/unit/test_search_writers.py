"""Several processes writing one index: nobody waits on a busy lock, a crashed holder's lock
is recovered, concurrent writers lose nothing, and background drains finish the job: in a
served process they, not the requests, apply what the requests commit."""

import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from forum import search
from forum.auth.service import issue_token
from forum.extensions import db
from forum.models import SearchChange
from forum.search.index import indexer, storage
from forum.search.index.runtime import SearchRuntime
from tests.conftest import make_app
from tests.factories import STORY_INPUT, ExperienceFactory, UserFactory

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

HOLD_LOCK = """
import fcntl, os, sys, time
descriptor = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(descriptor, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(60)
"""

WRITE_STORIES = """
import json, sys
from forum import create_app, search
from forum.extensions import db
from forum.models import SearchChange
from tests.factories import ExperienceFactory

app = create_app(json.loads(sys.argv[1]))
with app.app_context():
    for number in range(int(sys.argv[3])):
        experience = ExperienceFactory.build(author=None, title=f"{sys.argv[2]} story {number}")
        db.session.add(experience)
        db.session.flush()
        search.note_changed(experience.id)
        db.session.commit()
        search.apply_pending()
"""


# A served process (a drainer that only a wake-up brings before a minute) posts a story, gets
# its 201 and dies at once, while another process holds the index's writer lock.
POST_THEN_DIE = """
import json, os, signal, sys
from forum import create_app

app = create_app({**json.loads(sys.argv[1]), "SEARCH_DRAIN_INTERVAL_MS": 60000})
client = app.test_client()
assert client.get("/search").status_code == 200  # starts the drainer
headers = {"Authorization": "Bearer " + sys.argv[2]}
response = client.post("/api/v1/experiences", json=json.loads(sys.argv[3]), headers=headers)
print(response.status_code, response.get_json()["id"], flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def found(query: str) -> list[int]:
    return [hit.experience.id for hit in search.search({"q": query, "per_page": 100}).items]


def publish(title: str):
    experience = ExperienceFactory.build(title=title)
    db.session.add(experience)
    db.session.flush()
    db.session.add(SearchChange(experience_id=experience.id))
    db.session.commit()
    return experience


def python(code: str, *args: str, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": ROOT}
    return subprocess.Popen([sys.executable, "-c", code, *args], env=env, cwd=ROOT, **kwargs)


def test_a_busy_lock_never_blocks_and_a_killed_holders_lock_is_recovered(ctx):
    search.search({})
    directory = search.runtime().directory
    holder = python(HOLD_LOCK, str(directory / storage.WRITE_LOCK), stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == b"locked"
        experience = publish("Nordic walking")
        started = time.monotonic()
        search.apply_pending()  # returns at once; the change waits in the outbox
        assert time.monotonic() - started < 0.5
        assert found("nordic") == []
    finally:
        holder.kill()  # a crash: the kernel releases its lock
        holder.wait()
        holder.stdout.close()
    search.apply_pending()
    assert found("nordic") == [experience.id]


def test_two_processes_writing_at_once_lose_nothing(app, ctx):
    search.search({})
    settings = {
        key: app.config[key]
        for key in ("SQLALCHEMY_DATABASE_URI", "SEARCH_INDEX_DIR", "SECRET_KEY", "FORUM_ENV")
    }
    writers = [
        python(WRITE_STORIES, json.dumps(settings), name, "15", stderr=subprocess.PIPE)
        for name in ("Alder", "Birch")
    ]
    for writer in writers:
        _, errors = writer.communicate(timeout=120)
        assert writer.returncode == 0, errors.decode()
    search.apply_pending()  # whatever a busy lock left behind
    assert len(found("alder")) == 15 and len(found("birch")) == 15
    assert search.check(repair=False).differences == 0


@pytest.fixture
def draining_app(tmp_path):
    app = make_app(tmp_path, SEARCH_DRAIN_INTERVAL_MS=50)
    yield app
    app.extensions["search"].stop_drainer()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


def test_background_drains_build_the_index_and_apply_changes_within_a_second(draining_app):
    # The first request starts this process's drainer, which builds the missing index.
    assert draining_app.test_client().get("/search").status_code == 200
    directory = draining_app.extensions["search"].directory
    assert wait_for(lambda: storage.current_generation(directory) is not None, 30)
    with draining_app.app_context():
        experience = publish("Gentle cycling")
        assert wait_for(lambda: found("cycling") == [experience.id], 1.0)


def test_while_the_first_build_runs_searches_say_so(draining_app):
    with draining_app.app_context():  # no request yet, so no drainer has built anything
        page = search.search({"q": "walking"})
    assert page.building and page.total == 0 and "being built" in page.notice
    assert page.facets == {"exercise": {}, "onset": {}, "outcome": {}, "onset_detail": {}}


@pytest.fixture
def served_app(tmp_path):
    """A served process's search: its drainer drains a minute apart unless a request wakes it."""
    app = make_app(tmp_path, SEARCH_DRAIN_INTERVAL_MS=60000)
    with app.app_context():
        search.rebuild()  # the drainer would build a missing index only after its minute
    yield app
    app.extensions["search"].stop_drainer()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def trusted_token() -> str:
    return issue_token(UserFactory(trusted=True))[0]


def test_a_served_request_commits_and_the_woken_drainer_applies_it(served_app, monkeypatch):
    applied_by = []
    real_drain = indexer.drain

    def drain(*args, **kwargs):
        applied_by.append(threading.current_thread().name)
        return real_drain(*args, **kwargs)

    monkeypatch.setattr(indexer, "drain", drain)
    client = served_app.test_client()
    assert client.get("/search").status_code == 200  # the first request starts the drainer
    with served_app.app_context():
        headers = {"Authorization": f"Bearer {trusted_token()}"}
    story = {**STORY_INPUT, "title": "Rowing machine at a slow pace"}
    response = client.post("/api/v1/experiences", json=story, headers=headers)
    assert response.status_code == 201 and response.get_json()["status"] == "published"
    with served_app.app_context():
        assert wait_for(lambda: found("rowing") == [response.get_json()["id"]], 2.0)
    # The request wrote only its outbox row; the drainer thread wrote the index.
    assert applied_by and set(applied_by) == {"search-drain"}


def test_a_pending_story_wakes_nothing(served_app, monkeypatch):
    client = served_app.test_client()
    assert client.get("/search").status_code == 200
    with served_app.app_context():
        headers = {"Authorization": f"Bearer {issue_token(UserFactory())[0]}"}
    woken = []
    monkeypatch.setattr(SearchRuntime, "wake_drainer", lambda runtime: woken.append(runtime))
    response = client.post("/api/v1/experiences", json=STORY_INPUT, headers=headers)
    assert response.status_code == 201 and response.get_json()["status"] == "pending"
    assert woken == []  # its commit noted no index change


def test_a_post_acknowledged_by_a_process_that_died_before_applying_it_is_replayed(app, ctx):
    search.search({})  # the index, built
    settings = {
        key: app.config[key]
        for key in ("SQLALCHEMY_DATABASE_URI", "SEARCH_INDEX_DIR", "SECRET_KEY", "FORUM_ENV")
    }
    directory = search.runtime().directory
    holder = python(HOLD_LOCK, str(directory / storage.WRITE_LOCK), stdout=subprocess.PIPE)
    story = {**STORY_INPUT, "title": "Aqua jogging in the evening"}
    try:
        assert holder.stdout.readline().strip() == b"locked"
        poster = python(POST_THEN_DIE, json.dumps(settings), trusted_token(), json.dumps(story),
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
        output, errors = poster.communicate(timeout=120)
        assert poster.returncode == -signal.SIGKILL, errors.decode()
        status, experience_id = output.split()
        assert status == b"201"
        assert found("jogging") == []  # acknowledged, committed, never applied by its process
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    search.apply_pending()  # any later drain, here this process's, replays the outbox
    assert found("jogging") == [int(experience_id)]
    assert search.check(repair=False).differences == 0

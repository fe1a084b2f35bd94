"""Several processes writing one index: nobody waits on a busy lock, a crashed holder's lock
is recovered, concurrent writers lose nothing, and background drains finish the job."""

import json
import os
import subprocess
import sys
import time

import pytest

from forum import search
from forum.extensions import db
from forum.models import SearchChange
from forum.search.index import storage
from tests.conftest import make_app
from tests.factories import ExperienceFactory

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

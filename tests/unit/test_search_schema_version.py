"""An index written for another schema version is never opened (whoosh unpickles the schema,
field classes included, from it), only replaced by a rebuild."""

import os
import shutil

from forum import search
from forum.extensions import db
from forum.search.index import storage
from forum.search.index.runtime import SearchRuntime
from tests.factories import ExperienceFactory


def pretend_the_index_is_old(directory):
    """Make `current` an index of version 2 whose schema this code cannot unpickle."""
    generation = storage.current_generation(directory)
    old = directory / "gen-v2-1"
    shutil.copytree(generation, old)
    for name in os.listdir(old):
        if name.endswith(".toc"):
            (old / name).write_bytes(b"not a schema this code can read")
    storage.make_current(directory, old)
    return old


def test_search_rebuilds_an_index_of_another_version(ctx):
    story = ExperienceFactory(title="Walking helped", exercises=("walking",))
    assert search.search({"q": "walking"}).total == 1
    old = pretend_the_index_is_old(search.runtime().directory)
    assert [hit.experience.id for hit in search.search({"q": "walking"}).items] == [story.id]
    assert storage.current_generation(search.runtime().directory) != old


def test_check_rebuilds_an_index_of_another_version(ctx):
    ExperienceFactory(title="Walking helped", exercises=("walking",))
    search.search({"q": "walking"})
    pretend_the_index_is_old(search.runtime().directory)
    assert search.check().differences == 0
    assert not storage.is_outdated(storage.current_generation(search.runtime().directory))


def test_while_a_drainer_rebuilds_it_searches_say_building(ctx):
    ExperienceFactory(title="Walking helped", exercises=("walking",))
    search.search({"q": "walking"})
    pretend_the_index_is_old(search.runtime().directory)
    # A runtime with a background drainer (not started here) leaves the build to it.
    waiting = SearchRuntime(search.runtime().directory, drain_interval=60)
    with waiting.reading(db.engine) as searcher:
        assert searcher is None

"""unit_of_work.commit(): the data, the content version and the search index move together."""

from forum import search, unit_of_work
from forum.extensions import db
from forum.models import Experience, content_version
from tests.factories import ExperienceFactory


def test_commit_moves_the_version_and_applies_the_search_changes(ctx):
    story = ExperienceFactory(title="Rowing at dawn")
    search.rebuild()
    version, index = content_version(db.session), search.index_version()

    db.session.get(Experience, story.id).title = "Rowing at dusk"
    search.note_changed(story.id)
    unit_of_work.commit()

    assert content_version(db.session) == version + 1
    assert search.index_version() != index
    assert db.session.get(Experience, story.id).title == "Rowing at dusk"


def test_a_commit_that_wrote_nothing_moves_nothing(ctx):
    ExperienceFactory()
    search.rebuild()
    version, index = content_version(db.session), search.index_version()

    unit_of_work.commit()

    assert (content_version(db.session), search.index_version()) == (version, index)

"""A process's view of which stories changed when (forum/web/shown_stories.py): a kept page is
judged by the stories it shows, and never judged on changes that were pruned before it looked."""

from forum.extensions import db
from forum.models import StoryChange
from forum.web.shown_stories import StoryChanges


def changed(version: int, *stories: int) -> None:
    db.session.add_all(StoryChange(version=version, experience_id=story) for story in stories)
    db.session.commit()


def pruned_through(version: int) -> None:
    db.session.execute(db.delete(StoryChange).where(StoryChange.version <= version))
    db.session.commit()


def test_a_page_goes_only_when_a_story_it_shows_changed_after_it_was_made(ctx):
    changes = StoryChanges()
    changed(1, 3)
    assert changes.unchanged_since(frozenset({1, 2}), made_at=0, now=1)
    changed(2, 2, 4)
    assert not changes.unchanged_since(frozenset({1, 2}), made_at=0, now=2)
    assert not changes.unchanged_since(frozenset({1, 2}), made_at=1, now=2)
    assert changes.unchanged_since(frozenset({1, 2}), made_at=2, now=2)


def test_catching_up_reads_only_the_new_versions(ctx):
    changes = StoryChanges()
    changed(1, 1)
    changes.unchanged_since(frozenset({1}), made_at=1, now=1)
    changed(2, 5)
    assert changes.unchanged_since(frozenset({1}), made_at=1, now=2)
    assert changes.changed_at == {1: 1, 5: 2}


def test_a_process_that_looks_after_pruning_judges_no_page_kept_before_what_is_left(ctx):
    for version in range(1, 11):
        changed(version, 100 + version)
    pruned_through(8)
    changes = StoryChanges()

    assert not changes.unchanged_since(frozenset({1}), made_at=7, now=10)
    assert changes.unchanged_since(frozenset({1}), made_at=8, now=10)
    assert not changes.unchanged_since(frozenset({109}), made_at=8, now=10)


def test_everything_pruned_since_the_last_look_retires_every_page_kept_before(ctx):
    changes = StoryChanges()
    changed(1, 1)
    changes.unchanged_since(frozenset({2}), made_at=1, now=1)
    changed(2, 7)
    changed(3, 8)
    pruned_through(3)

    assert not changes.unchanged_since(frozenset({2}), made_at=1, now=3)
    assert changes.unchanged_since(frozenset({2}), made_at=3, now=3)

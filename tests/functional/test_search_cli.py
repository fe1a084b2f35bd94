"""`flask forum reindex` and `flask forum check-index`."""

from forum.extensions import db
from tests.factories import ExperienceFactory


def test_reindex_rebuilds_with_a_progress_bar(runner, ctx):
    ExperienceFactory(title="Walking")
    ExperienceFactory(title="Hidden", status="hidden", published_at=None)
    result = runner.invoke(args=["forum", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Indexing published experiences" in result.output
    assert "Indexed 1 published experiences." in result.output


def test_check_index_lists_and_repairs_every_difference(runner, ctx):
    kept = ExperienceFactory(title="Yoga")
    gone = ExperienceFactory(title="Cycling")
    assert "matches the database" in runner.invoke(args=["forum", "check-index"]).output
    kept.title = "Yoga, revised"
    gone.status = "deleted"
    added = ExperienceFactory(title="Swimming")
    db.session.commit()
    dry = runner.invoke(args=["forum", "check-index", "--dry-run"])
    assert dry.exit_code == 1
    assert f"1 published but missing from the index: {added.id}" in dry.output
    assert f"1 in the index but not published: {gone.id}" in dry.output
    assert f"1 indexed from an older version: {kept.id}" in dry.output
    repaired = runner.invoke(args=["forum", "check-index"])
    assert repaired.exit_code == 0 and "Repaired 3 differences." in repaired.output
    assert "matches the database" in runner.invoke(args=["forum", "check-index"]).output

"""Values kept under the content version: version and tag, age, weight budget."""

from forum import kept
from forum.kept import KeptUnderVersion


def test_a_value_is_used_only_under_the_version_and_tag_it_was_made_with():
    values = KeptUnderVersion(budget=10, seconds=60)
    values.put("/a", 1, "page", tag="index-1")

    assert values.get("/a", 1, tag="index-1") == "page"
    assert values.get("/a", 1, tag="index-2") is None
    assert values.get("/a", 1, tag="index-1") is None  # a replaced value is gone, not kept


def test_a_newer_version_forgets_everything():
    values = KeptUnderVersion(budget=10, seconds=60)
    values.put("/a", 1, "a")
    values.put("/b", 1, "b")

    assert values.get("/a", 2) is None
    assert len(values) == 0


def test_a_reader_of_older_data_neither_gets_nor_keeps_values():
    values = KeptUnderVersion(budget=10, seconds=60)
    values.put("/a", 5, "new")
    values.put("/a", 4, "old")

    assert values.get("/a", 4) is None
    assert values.get("/a", 5) == "new"


def test_zero_is_a_value_like_any_other():
    values = KeptUnderVersion(budget=10, seconds=60)
    values.put("total", 1, 0)
    assert values.get("total", 1) == 0


def test_values_expire(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(kept.time, "monotonic", lambda: now[0])
    values = KeptUnderVersion(budget=10, seconds=30)
    values.put("/a", 1, "a")

    now[0] += 29
    assert values.get("/a", 1) == "a"
    now[0] += 2
    assert values.get("/a", 1) is None


def test_the_least_recently_used_leave_to_stay_within_the_budget():
    values = KeptUnderVersion(budget=800, seconds=60, weigh=len)
    for key in ("/a", "/b", "/c"):
        values.put(key, 1, b"x" * 100)
    values.get("/a", 1)
    for key in ("/d", "/e", "/f", "/g", "/h", "/i"):
        values.put(key, 1, b"x" * 100)

    assert values.get("/a", 1) is not None
    assert values.get("/b", 1) is None
    assert len(values) == 8


def test_a_value_heavier_than_an_eighth_of_the_budget_is_not_kept():
    values = KeptUnderVersion(budget=800, seconds=60, weigh=len)
    values.put("/big", 1, b"x" * 101)
    assert len(values) == 0

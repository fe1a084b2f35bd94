"""The page cache's own rules (versions, age, memory budget) and the remembered list totals."""

from forum.experiences import totals as totals_module
from forum.experiences.totals import Totals
from forum.web import page_cache
from forum.web.page_cache import PageCache


def test_a_page_is_served_only_under_the_versions_it_was_made_with():
    cache = PageCache(budget=1000, seconds=60)
    cache.put("/a", (1, "index-1"), b"page", "text/html")

    assert cache.get("/a", (1, "index-1")).body == b"page"
    assert cache.get("/a", (1, "index-2")) is None
    assert cache.get("/a", (1, "index-1")) is None  # replaced pages are gone, not kept


def test_a_newer_content_version_retires_every_page():
    cache = PageCache(budget=1000, seconds=60)
    cache.put("/a", (1, None), b"a", "text/html")
    cache.put("/b", (1, None), b"b", "text/html")

    assert cache.get("/a", (2, None)) is None
    assert len(cache) == 0


def test_a_page_made_from_older_data_is_not_kept():
    cache = PageCache(budget=1000, seconds=60)
    cache.get("/a", (5, None))
    cache.put("/a", (4, None), b"old", "text/html")
    assert len(cache) == 0


def test_pages_expire(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: now[0])
    cache = PageCache(budget=1000, seconds=30)
    cache.put("/a", (1, None), b"a", "text/html")

    now[0] += 29
    assert cache.get("/a", (1, None)) is not None
    now[0] += 2
    assert cache.get("/a", (1, None)) is None


def test_the_least_recently_used_pages_leave_to_stay_within_the_budget():
    cache = PageCache(budget=800, seconds=60)
    for url in ("/a", "/b", "/c"):
        cache.put(url, (1, None), b"x" * 100, "text/html")
    cache.get("/a", (1, None))
    for url in ("/d", "/e", "/f", "/g", "/h", "/i"):
        cache.put(url, (1, None), b"x" * 100, "text/html")

    assert cache.get("/a", (1, None)) is not None
    assert cache.get("/b", (1, None)) is None
    assert len(cache) == 8


def test_a_page_larger_than_an_eighth_of_the_budget_is_not_kept():
    cache = PageCache(budget=800, seconds=60)
    cache.put("/big", (1, None), b"x" * 101, "text/html")
    assert len(cache) == 0


def test_list_totals_are_kept_per_content_version():
    totals, counted = Totals(seconds=60, size=2), []

    def count(answer):
        return lambda: counted.append(answer) or answer

    assert totals.get("all", 1, count(10)) == 10
    assert totals.get("all", 1, count(99)) == 10
    assert totals.get("all", 0, count(7)) == 7  # an older reader counts for itself
    assert totals.get("all", 1, count(99)) == 10
    assert totals.get("all", 2, count(11)) == 11
    assert counted == [10, 7, 11]


def test_list_totals_forget_the_least_recently_used_filters():
    totals = Totals(seconds=60, size=2)
    for key in ("a", "b", "c"):
        totals.get(key, 1, lambda: 1)
    assert totals.get("a", 1, lambda: 2) == 2


def test_list_totals_expire(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(totals_module.time, "monotonic", lambda: now[0])
    totals = Totals(seconds=30)
    totals.get("all", 1, lambda: 1)

    now[0] += 29
    assert totals.get("all", 1, lambda: 2) == 1
    now[0] += 2
    assert totals.get("all", 1, lambda: 2) == 2

"""The caching module: each app's own caches as declared, and values under the version."""

from forum import caching, kept
from forum.web import demo_banner as banner
from forum.web.page_cache import KeptPage
from tests.conftest import serving
from tests.factories import ExperienceFactory


def test_caches_follow_the_settings_and_each_app_has_its_own(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with (
        serving(tmp_path / "a", PAGE_CACHE_MB=4, LIST_TOTALS_REMEMBERED=True) as on,
        serving(tmp_path / "b") as off,
    ):
        assert caching.caches(on).pages.budget == 4 << 20
        assert caching.caches(on).list_totals.budget == caching.LIST_TOTALS_PER_PROCESS
        assert caching.caches(off).pages is None
        assert caching.caches(off).list_totals is None
        assert caching.caches(on).demo_banner is not caching.caches(off).demo_banner


def test_a_remembered_value_lasts_until_the_next_committed_write(tmp_path):
    counted = []

    def count():
        counted.append(1)
        return len(counted)

    with serving(tmp_path, LIST_TOTALS_REMEMBERED=True) as app, app.app_context():
        totals = caching.caches().list_totals
        assert caching.remembered(totals, "all", count) == 1
        assert caching.remembered(totals, "all", count) == 1
        ExperienceFactory()
        assert caching.remembered(totals, "all", count) == 2


def test_without_a_store_the_value_is_made_every_time(tmp_path):
    answers = iter([1, 2])
    with serving(tmp_path) as app, app.app_context():
        assert caching.remembered(None, "all", lambda: next(answers)) == 1
        assert caching.remembered(None, "all", lambda: next(answers)) == 2


def test_app_state_is_made_once_per_app(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with serving(tmp_path / "a") as first, serving(tmp_path / "b") as second:
        with first.app_context():
            made = caching.app_state("thing", object)
            assert caching.app_state("thing", object) is made
        with second.app_context():
            assert caching.app_state("thing", object) is not made


def test_the_demo_banner_is_asked_again_after_its_time(tmp_path, monkeypatch):
    now = [100.0]
    monkeypatch.setattr(kept.time, "monotonic", lambda: now[0])
    answers = iter([True, False])
    monkeypatch.setattr(banner, "demo_data_present", lambda: next(answers))
    with serving(tmp_path) as app, app.test_request_context():
        assert banner.demo_banner_visible() is True
        now[0] += caching.DEMO_BANNER_SECONDS - 1
        assert banner.demo_banner_visible() is True
        now[0] += 2
        assert banner.demo_banner_visible() is False


def test_a_value_made_across_a_write_is_never_served_after_it(tmp_path):
    with serving(tmp_path, PAGE_CACHE_MB=4) as app, app.app_context():
        pages = caching.caches().pages
        place = caching.slot(pages, "/", tag="index-1")
        assert place.get() is None
        ExperienceFactory()  # a write commits while the page is being made
        place.keep(KeptPage(b"made from older data", "text/html"))

        assert caching.slot(pages, "/", tag="index-1").get() is None
        made_after = KeptPage(b"new", "text/html")
        caching.slot(pages, "/", tag="index-1").keep(made_after)
        assert caching.slot(pages, "/", tag="index-1").get() == made_after
        assert caching.slot(pages, "/", tag="index-2").get() is None

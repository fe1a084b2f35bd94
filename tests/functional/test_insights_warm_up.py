"""A worker builds its insights table and suppression pattern after its first request, in the
background, so no visitor waits for it (INSIGHTS_WARM_UP)."""

import gc
import threading

from forum.insights.cube import app_cube
from tests.conftest import serving
from tests.factories import ExperienceFactory


def _wait_for_warm_up() -> None:
    for thread in threading.enumerate():
        if thread.name == "insights-warm-up":
            thread.join(timeout=30)


def test_the_first_request_warms_the_insights_up(tmp_path):
    with serving(tmp_path, INSIGHTS_WARM_UP=True) as app:
        with app.app_context():
            ExperienceFactory.create_batch(3)
        assert app.test_client().get("/healthz").status_code in (200, 503)
        _wait_for_warm_up()
        with app.app_context():
            assert app_cube()._patterns, "the pattern was decided before any insights request"
    try:
        assert gc.get_freeze_count() > 0, "the long-lived table is out of the collector's walks"
    finally:
        gc.unfreeze()


def test_tests_do_not_warm_up_unless_asked(app, client):
    client.get("/healthz")
    _wait_for_warm_up()
    with app.app_context():
        assert not app_cube()._patterns

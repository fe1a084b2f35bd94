"""Whether pages show the demo banner: one cheap read, remembered per process for a short time."""

import logging
import time

from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from forum.demo.service import demo_data_present

log = logging.getLogger(__name__)

# Loading or removing demo data is rare; half a minute of lag on the banner is harmless.
CHECK_EVERY_SECONDS = 30.0


def demo_banner_visible() -> bool:
    """True while demo data is present, checked at most every CHECK_EVERY_SECONDS per app."""
    state = current_app.extensions.setdefault("forum.demo_banner", {"until": 0.0, "value": False})
    now = time.monotonic()
    if now >= state["until"]:
        state["until"] = now + CHECK_EVERY_SECONDS
        try:
            state["value"] = demo_data_present()
        except SQLAlchemyError:
            # Error pages use this too: they must render even while the database is down.
            log.warning("demo banner: the database could not be asked; keeping the last answer")
    return state["value"]

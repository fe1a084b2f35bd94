"""Whether pages show the demo banner: one cheap read, remembered per process for a short time."""

import logging

from sqlalchemy.exc import SQLAlchemyError

from forum import caching
from forum.demo.service import demo_data_present

log = logging.getLogger(__name__)

KEY = "demo data present"


def demo_banner_visible() -> bool:
    """True while demo data is present, asked at most every DEMO_BANNER_SECONDS per app."""
    # On time alone, not under the content version: error pages ask this while the
    # database is down, when no version can be read.
    answers = caching.caches().demo_banner
    visible = answers.get(KEY, caching.ANY_VERSION)
    if visible is None:
        try:
            visible = demo_data_present()
        except SQLAlchemyError:
            # Asked again only after DEMO_BANNER_SECONDS: a database that is down is not
            # asked on every error page.
            log.warning("demo banner: the database could not be asked; no banner for now")
            visible = False
        answers.put(KEY, caching.ANY_VERSION, visible)
    return visible

"""Whether pages show the demo banner: one cheap read, remembered per process for a short time."""

import logging

from flask import Flask
from sqlalchemy import exists, select
from sqlalchemy.exc import SQLAlchemyError

from forum import caching
from forum.extensions import db
from forum.models import User

log = logging.getLogger(__name__)

KEY = "demo data present"


def init_templating(app: Flask) -> None:
    """Every page's layout asks whether to show the banner."""
    app.jinja_env.globals["demo_banner_visible"] = demo_banner_visible


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


def demo_data_present() -> bool:
    """True while any demo member is in the database (the banner shows then)."""
    return bool(db.session.scalar(select(exists().where(User.is_demo.is_(True)))))

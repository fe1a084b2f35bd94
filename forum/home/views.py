"""The home page: what the forum is, and the newest published experiences."""

from flask import Blueprint, render_template
from flask_login import current_user

from forum.experiences.over_time import mark_updated
from forum.experiences.queries import recent_published
from forum.web.page_cache import every_member, kept_for_anyone

bp = Blueprint("web", __name__)

RECENT_ON_HOME = 5


@bp.get("/")
@kept_for_anyone(member_audience=every_member)
def home():
    recent = recent_published(RECENT_ON_HOME, current_user)
    mark_updated(recent)
    return render_template("home.html", recent=recent)

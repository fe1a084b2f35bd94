"""A signed-in member for the page benches: one demo member's session cookie and own pages.

The cookie is made in-process by the app's own sign-in (forum/auth/session.py) and signed with
the bench's SECRET_KEY, as if the member had signed in from wrk's address (127.0.0.1, no
User-Agent), so the served app accepts it without writing anything or setting a new cookie.
The member is the demo member with the most published experiences among those who answered
every question of the profile: their own insights group, their "my experiences" and their
notifications are real pages.
"""

from dataclasses import dataclass

from sqlalchemy import func, select

# The headers wrk sends: its own address, no User-Agent (Flask-Login's session identifier).
WRK_ENVIRON = {"REMOTE_ADDR": "127.0.0.1"}


@dataclass(frozen=True)
class Member:
    id: int
    username: str
    cookie: str  # the value of a Cookie header


def signed_in_member(database_url: str, index_dir: str, secret_key: str) -> Member:
    """The bench member, signed in (reads the database only)."""
    from flask import session
    from flask_wtf.csrf import generate_csrf

    from forum import create_app
    from forum.auth.session import sign_in
    from forum.extensions import db
    from forum.models import Experience, User
    from forum.models.status import Status
    from forum.vocabulary import PROFILE_FIELDS

    settings = {"SQLALCHEMY_DATABASE_URI": database_url, "SEARCH_INDEX_DIR": index_dir}
    app = create_app({**settings, "SECRET_KEY": secret_key, "FORUM_ENV": "production"})
    with app.test_request_context("/", environ_base=WRK_ENVIRON):
        answered = [getattr(User, name).is_not(None) for name in PROFILE_FIELDS]
        published = func.count(Experience.id)
        member_id = db.session.scalar(
            select(User.id)
            .join(Experience, Experience.author_id == User.id)
            .where(*answered, User.role == "member", Experience.status == Status.PUBLISHED)
            .group_by(User.id)
            .order_by(published.desc(), User.id)
            .limit(1)
        )
        member = db.session.get(User, member_id)
        sign_in(member)
        generate_csrf()  # as after the member's first page: else each page adds it, and a cookie
        serializer = app.session_interface.get_signing_serializer(app)
        cookie = f"{app.config['SESSION_COOKIE_NAME']}={serializer.dumps(dict(session))}"
        found = Member(member.id, member.username, cookie)
        db.session.remove()
        db.engine.dispose()
    return found

"""factory_boy factories for test data; use them inside an application context."""

from datetime import timedelta

import factory
from factory.alchemy import SQLAlchemyModelFactory
from flask import current_app

from forum.clock import utcnow
from forum.extensions import db
from forum.models import Experience, ExperienceExercise, Reply, User
from forum.sanitize import render_markdown

TEST_PASSWORD = "correct horse battery"
# A valid experience as a member submits it (the input schema's shape).
STORY_INPUT = {
    "title": "Qigong every morning calmed my flares",
    "body": "Ten minutes at first, then twenty. My sleep came back first.",
    "exercises": ["qigong", "walking"],
    "intensity": "gentle",
    "outcome": "helped",
    "flare": "none",
    "minutes_per_session": 20,
    "sessions_per_week": 5,
    "weeks_tried": 12,
    "effects": {"pain": "better", "sleep": "better"},
    "tags": ["mornings", "pacing"],
}


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class UserFactory(BaseFactory):
    """A member; `trusted=True` gives them the approvals that make them trusted
    (permissions.is_trusted): their experiences and replies publish at once."""

    class Meta:
        model = User

    class Params:
        trusted = factory.Trait(
            approvals_toward_trust=factory.LazyFunction(
                lambda: current_app.config["TRUST_THRESHOLD"]
            )
        )

    username = factory.Sequence(lambda n: f"member{n}")
    username_key = factory.LazyAttribute(lambda user: user.username.lower())
    email = factory.LazyAttribute(lambda user: f"{user.username.lower()}@example.org")
    role = "member"

    @factory.post_generation
    def password(user, create, extracted, **kwargs):  # noqa: N805
        from forum.auth.service import hash_password

        user.password_hash = hash_password(extracted or TEST_PASSWORD)
        if create:
            db.session.commit()


class ExperienceFactory(BaseFactory):
    """A published experience unless told otherwise; `exercises` is a list of keys."""

    class Meta:
        model = Experience
        exclude = ("exercises",)

    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Gentle movement diary number {n}")
    body = "I started slowly and kept a diary of how my body answered each session."
    body_html = factory.LazyAttribute(lambda experience: render_markdown(experience.body))
    intensity = "gentle"
    outcome = "helped"
    flare = "none"
    status = "published"
    published_at = factory.LazyFunction(utcnow)
    exercises = ("walking",)
    exercise_rows = factory.LazyAttribute(
        lambda experience: [
            ExperienceExercise(exercise=key, position=index)
            for index, key in enumerate(experience.exercises)
        ]
    )


class ReplyFactory(BaseFactory):
    """A published reply; pass `experience_id` (keeping reply_count in step is up to the caller)."""

    class Meta:
        model = Reply

    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Reply number {n}: the same happened to me.")
    body_html = factory.LazyAttribute(lambda reply: render_markdown(reply.body))
    status = "published"


# Every kind of caller the permission tests try, anonymous first.
PERMISSION_ROLES = (
    "anonymous",
    "member",
    "author",
    "reply_author",
    "moderator",
    "admin",
    "suspended_member",
    "suspended_author",
)


def member_for_role(role: str, **fields) -> User:
    """A member standing as `role` (one of PERMISSION_ROLES but anonymous)."""
    if role.startswith("suspended"):
        fields.setdefault("suspended_until", utcnow() + timedelta(days=3))
    return UserFactory(
        role={"moderator": "moderator", "admin": "admin"}.get(role, "member"), **fields
    )

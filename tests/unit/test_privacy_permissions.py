"""Members-only stories in the permission rules: `can_view_experience` agrees with the query
every surface uses, for each role; `sees_profile` with the author's share_profile choice."""

import pytest
from flask_login import AnonymousUserMixin

from forum import permissions
from forum.errors import NotFound
from forum.experiences import queries
from tests.factories import PERMISSION_ROLES, ExperienceFactory, UserFactory, member_for_role


@pytest.mark.parametrize("visibility", ["public", "members"])
@pytest.mark.parametrize("role", PERMISSION_ROLES)
def test_viewing_a_published_story_by_visibility(ctx, role, visibility):
    author = UserFactory()
    story = ExperienceFactory(author=author, visibility=visibility)
    user = {"anonymous": AnonymousUserMixin(), "author": author}.get(role) or member_for_role(role)
    expected = visibility == "public" or role != "anonymous"
    assert permissions.can_view_experience(user, story) is expected
    if expected:
        assert queries.visible_experience(user, story.id) is story
    else:
        with pytest.raises(NotFound):
            queries.visible_experience(user, story.id)


@pytest.mark.parametrize("shared", [True, False])
@pytest.mark.parametrize("role", ["anonymous", "member", "author", "moderator", "admin"])
def test_the_about_me_is_seen_by_all_only_when_shared(ctx, role, shared):
    author = UserFactory()
    story = ExperienceFactory(author=author, share_profile=shared)
    user = None if role == "anonymous" else author if role == "author" else member_for_role(role)
    expected = shared or role in ("author", "moderator", "admin")
    assert permissions.sees_profile(user, story) is expected

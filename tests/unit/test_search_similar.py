"""similar_experiences: near-duplicates for the moderation queue, published ones only."""

from forum import search
from tests.factories import ExperienceFactory

SPAM = (
    "Miracle herbal patches cured my fibromyalgia in three days. Order the patches today "
    "from the shop link and get a second box of patches free with code HEAL."
)


def test_copies_rank_first_and_the_story_itself_is_left_out(ctx):
    original = ExperienceFactory(title="Miracle patches", body=SPAM)
    copy = ExperienceFactory(title="Patches that cured me", body=SPAM + " Really.")
    unrelated = ExperienceFactory(
        title="Walking slowly", body="Ten minutes of walking after lunch, most days."
    )
    pending_copy = ExperienceFactory(
        title="Miracle patches", body=SPAM, status="pending", published_at=None
    )
    similar = search.similar_experiences(original.id)
    assert similar[0] == copy.id
    assert original.id not in similar and pending_copy.id not in similar
    assert unrelated.id not in similar


def test_a_pending_story_finds_its_published_twin(ctx):
    published = ExperienceFactory(title="Miracle patches", body=SPAM)
    waiting = ExperienceFactory(title="Patches", body=SPAM, status="pending", published_at=None)
    assert search.similar_experiences(waiting.id, limit=3) == [published.id]


def test_unknown_ids_have_no_similar_stories(ctx):
    assert search.similar_experiences(12345) == []

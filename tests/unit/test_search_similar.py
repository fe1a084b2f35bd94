"""similar_experiences: for the moderation queue, published ones only; the same main
exercise and onset first, near-duplicates first among those."""

from forum import search
from tests.factories import ExperienceFactory

SPAM = (
    "Miracle herbal patches cured my fibromyalgia in three days. Order the patches today "
    "from the shop link and get a second box of patches free with code HEAL."
)


def test_copies_rank_first_and_the_story_itself_is_left_out(ctx):
    original = ExperienceFactory(title="Miracle patches", body=SPAM)
    copy = ExperienceFactory(title="Patches that cured me", body=SPAM + " Really.")
    # Unrelated: other words and another main exercise (one of the same would be similar).
    unrelated = ExperienceFactory(
        title="Swimming slowly",
        body="Ten minutes of swimming after lunch, most days.",
        exercises=("swimming",),
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


def story(title, body, exercises, onset, **fields):
    return ExperienceFactory(title=title, body=body, exercises=exercises, onset=onset, **fields)


def test_same_main_exercise_and_onset_come_first(ctx):
    """The moderation queue's report: a tai chi story's similar list held no tai chi."""
    tai_chi = story(
        "Tai chi after my car accident",
        "Slow tai chi forms in the park each morning; the neck pain eased over weeks.",
        ("tai_chi",),
        "injury",
    )
    same_both = story(
        "Taiji in the morning",
        "Short taiji sessions since the collision, my shoulders loosened.",
        ("tai_chi", "walking"),
        "injury",
    )
    same_exercise = story(
        "Tai chi class",
        "A weekly tai chi class; my stress melted away.",
        ("tai_chi",),
        "stress",
    )
    # Shares many words, but tai chi is only its second exercise.
    second_only = story(
        "Walking after my car accident",
        "Slow walks in the park each morning; the neck pain eased, tai chi too.",
        ("walking", "tai_chi"),
        "injury",
    )
    others = [
        story(f"{name} diary", f"{name} most mornings; pain eased over weeks.", (key,), "injury")
        for name, key in [("Breaststroke", "swimming"), ("HIIT", "hiit"), ("Stretch", "yoga")]
    ]
    similar = search.similar_experiences(tai_chi.id)
    assert similar[:2] == [same_both.id, same_exercise.id]
    assert second_only.id in similar[2:]
    assert tai_chi.id not in similar
    assert len(similar) == 5 and set(similar[2:]) <= {second_only.id, *(o.id for o in others)}


def test_within_the_same_exercise_and_onset_closer_words_rank_higher(ctx):
    tai_chi = story(
        "Qigong for sleep",
        "Ten minutes of qigong before bed and I slept through.",
        ("qigong",),
        None,
    )
    far = story("Qigong", "Standing practice outdoors in summer.", ("qigong",), None)
    near = story("Qigong before bed", "Qigong before bed, slept much better.", ("qigong",), None)
    similar = search.similar_experiences(tai_chi.id)
    assert similar == [near.id, far.id]


def test_unpublished_stories_of_the_same_exercise_never_appear(ctx):
    mine = story("Tai chi", "Gentle tai chi forms.", ("tai_chi",), "injury")
    hidden = story(
        "Tai chi",
        "Gentle tai chi forms.",
        ("tai_chi",),
        "injury",
        status="hidden",
        published_at=None,
    )
    assert hidden.id not in search.similar_experiences(mine.id)

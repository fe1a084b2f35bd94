"""Listing excerpts: plain text that still reads as separate points."""

from forum.sanitize import excerpt, render_markdown


def test_list_items_without_punctuation_are_kept_apart():
    story = "I walk three times a week.\n\n- rest before I felt tired\n- never two hard days"
    assert excerpt(render_markdown(story)) == (
        "I walk three times a week. rest before I felt tired; never two hard days"
    )


def test_excerpt_is_cut_at_a_word_and_marked():
    text = excerpt(render_markdown("gentle " * 100), length=30)
    assert text.endswith("…")
    assert len(text) <= 31
    assert "gentl…" not in text


def test_markup_never_survives_into_the_excerpt():
    assert excerpt(render_markdown("**bold** and <b>raw</b>")) == "bold and <b>raw</b>"

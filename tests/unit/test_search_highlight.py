"""Highlights mark matched words and escape everything else."""

from forum.search.highlight import highlight, readable_text
from forum.search.query import parse


def terms(text: str):
    return parse(text).highlight_terms()


def test_matched_words_are_marked_in_any_spelling_or_form():
    marked = highlight("Tai-chi helped, the flares faded", terms("taiji flare"))
    assert marked == "<mark>Tai-chi</mark> helped, the <mark>flares</mark> faded"


def test_markup_in_the_text_is_escaped_and_cannot_break_out():
    marked = highlight('<img src=x onerror=alert(1)> "walking" & <mark>', terms("walking mark"))
    assert "<img" not in marked
    assert marked.count("<mark>") == 2
    assert "&lt;img src=x onerror=alert(1)&gt; &#34;<mark>walking</mark>&#34; &amp;" in marked


def test_long_text_is_cut_around_the_matches():
    text = "filler words here. " * 40 + "Then qigong eased my sleep. " + "more filler. " * 40
    snippet = highlight(text, terms("qigong sleep"), limit=120)
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>qigong</mark>" in snippet and "<mark>sleep</mark>" in snippet
    assert len(snippet) < 200


def test_without_matches_the_snippet_is_the_beginning():
    snippet = highlight("word " * 100, terms("qigong"), limit=50)
    assert snippet.startswith("word") and snippet.endswith("…")


def test_markdown_noise_is_removed_from_snippets():
    assert readable_text("**Bold** and [a link](https://x.org)\n> quote") == "Bold and a link quote"

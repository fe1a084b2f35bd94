"""Demo HTML is exactly what the sanitizer makes of the Markdown, paragraph cache or not."""

from forum.demo.rendering import body_html, render_slice
from forum.sanitize import render_markdown


def test_paragraph_by_paragraph_html_equals_whole_body_html():
    for rendered in render_slice(3000, 9, 0, 400):
        assert rendered.body_html == render_markdown(rendered.experience.body)
        replies = [render_markdown(reply.body) for reply in rendered.experience.replies]
        assert list(rendered.reply_html) == replies


def test_lists_and_emphasis_survive_rendering():
    html = body_html("My routine:\n\n- 10 minutes of *tai chi*\n- rest\n\n**rest is part of it**")
    assert html == render_markdown(
        "My routine:\n\n- 10 minutes of *tai chi*\n- rest\n\n**rest is part of it**"
    )
    assert "<ul>" in html and "<em>tai chi</em>" in html and "<strong>" in html

"""The only module that turns member text into HTML: Markdown, then a bleach allow-list."""

import html
import re
from functools import lru_cache, partial

import bleach
from bleach.linkifier import LinkifyFilter
from markdown_it import MarkdownIt

from forum.caching import EXCERPTS_PER_PROCESS

ALLOWED_TAGS = frozenset(
    {"p", "br", "em", "strong", "ul", "ol", "li", "blockquote", "code", "pre", "a", "hr"}
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"], "ol": ["start"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"

# Raw HTML in the source is shown as text, never parsed; images and headings are not
# part of what members need, so their syntax stays literal text.
_UNPUNCTUATED_BLOCK_END = re.compile(r"([^\s.!?;:,>])(\s*</(?:li|p)>)")

_markdown = MarkdownIt("commonmark", {"html": False}).disable(["image", "heading", "lheading"])


def _set_link_rel(attrs: dict, new: bool = False) -> dict:
    attrs[(None, "rel")] = LINK_REL
    attrs.pop((None, "target"), None)
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[partial(LinkifyFilter, callbacks=[_set_link_rel], skip_tags={"pre", "code"})],
)


def render_markdown(source: str) -> str:
    """Safe HTML for a member's Markdown: only the allow-list survives, links get rel."""
    return _cleaner.clean(_markdown.render(source))


def plain_text(rendered_html: str) -> str:
    """The visible text of sanitized HTML, unescaped (templates escape it again)."""
    return html.unescape(bleach.clean(rendered_html, tags=set(), strip=True))


# A list page shows 20 excerpts and bleach parses each body in full (~1 ms): the same
# stories are listed again and again, and an excerpt, keyed on its body, never changes.
@lru_cache(maxsize=EXCERPTS_PER_PROCESS)
def excerpt(rendered_html: str, length: int = 220) -> str:
    """The first `length` characters of the visible text, cut at a word.

    List items and paragraphs that end without punctuation get a semicolon, so that running
    them together on one line still reads as separate points.
    """
    text = " ".join(plain_text(_UNPUNCTUATED_BLOCK_END.sub(r"\1;\2", rendered_html)).split())
    text = text.removesuffix(";")
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0] + "…"

"""The only module that turns member text into HTML: Markdown, then a bleach allow-list."""

import html
import re
from functools import lru_cache, partial
from urllib.parse import urlsplit

import bleach
from bleach.linkifier import LinkifyFilter, build_url_re
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


# Linkify runs after the cleaner's protocol check, so it gets its own: it only recognises
# http(s) (mailto links come from Markdown and pass the cleaner), and _only_allowed_schemes
# drops any link whose scheme is not allowed, whatever made it.
_LINKABLE_URL = build_url_re(protocols=ALLOWED_PROTOCOLS - {"mailto"})
_IGNORED_BY_BROWSERS = re.compile(r"[\x00-\x20\x7f]")


def href_scheme(href: str) -> str:
    """The scheme a browser would follow (it ignores ASCII whitespace and controls), lowercased."""
    try:
        return urlsplit(_IGNORED_BY_BROWSERS.sub("", href)).scheme.lower()
    except ValueError:
        return "unparsable"


def _only_allowed_schemes(attrs: dict, new: bool = False) -> dict | None:
    href = attrs.get((None, "href"), "")
    if href_scheme(href) not in ALLOWED_PROTOCOLS | {""}:
        return None  # linkify then keeps the text and drops the link
    return attrs


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
    filters=[
        partial(
            LinkifyFilter,
            callbacks=[_only_allowed_schemes, _set_link_rel],
            skip_tags={"pre", "code"},
            url_re=_LINKABLE_URL,
        )
    ],
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

"""The only module that turns member text into HTML: Markdown, then a bleach allow-list."""

import html
import re
from collections.abc import Iterator, Mapping
from functools import lru_cache, partial
from urllib.parse import urlsplit

import bleach
from bleach.html5lib_shim import Filter
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


_LINKIFY = partial(
    LinkifyFilter,
    callbacks=[_only_allowed_schemes, _set_link_rel],
    skip_tags={"pre", "code"},
    url_re=_LINKABLE_URL,
)


def _cleaner_with(*filters) -> bleach.Cleaner:
    return bleach.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
        filters=[_LINKIFY, *filters],
    )


_cleaner = _cleaner_with()

# "@maple" in running text; not inside an e-mail address or a path ("a@b", "/@x").
MENTION = re.compile(r"(?<![\w@/.-])@([A-Za-z0-9_-]{3,30})(?![\w-])")


class _MentionFilter(Filter):
    """Turn "@name" in text (not in links or code) into a link, for the names given only.

    Runs on the cleaned token stream; the only attribute it writes is the href it was given.
    """

    def __init__(self, source, mentions: Mapping[str, str]):
        super().__init__(source)
        self.mentions = mentions

    def __iter__(self) -> Iterator[dict]:
        skipping = 0
        for token in super().__iter__():
            kind = token["type"]
            if kind in ("StartTag", "EndTag") and token["name"] in ("a", "code", "pre"):
                skipping += 1 if kind == "StartTag" else -1
            if kind != "Characters" or skipping:
                yield token
                continue
            yield from self._split(token["data"])

    def _split(self, text: str) -> Iterator[dict]:
        position = 0
        for match in MENTION.finditer(text):
            href = self.mentions.get(match.group(1).lower())
            if href is None:
                continue
            if match.start() > position:
                yield {"type": "Characters", "data": text[position : match.start()]}
            yield {
                "type": "StartTag",
                "name": "a",
                "data": {(None, "href"): href, (None, "class"): "mention"},
            }
            yield {"type": "Characters", "data": match.group(0)}
            yield {"type": "EndTag", "name": "a"}
            position = match.end()
        if position < len(text):
            yield {"type": "Characters", "data": text[position:]}


def mentioned_names(source: str) -> set[str]:
    """The lower-cased names written as "@name" in a member's text."""
    return {match.group(1).lower() for match in MENTION.finditer(source)}


def render_markdown(source: str, mentions: Mapping[str, str] | None = None) -> str:
    """Safe HTML for a member's Markdown: only the allow-list survives, links get rel.

    `mentions` maps lower-cased names to the link a "@name" in the text becomes.
    """
    if not mentions:
        return _cleaner.clean(_markdown.render(source))
    cleaner = _cleaner_with(partial(_MentionFilter, mentions=mentions))
    return cleaner.clean(_markdown.render(source))


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

"""Snippets with the matched words in <mark>: built from escaped pieces, so a highlight can
never carry markup from the text it quotes."""

import re

from markupsafe import Markup, escape

from forum.search.engine.analysis import spans_of

SNIPPET_CHARS = 240
# Markdown emphasis, link targets and line markers (quotes, headings, bullets) read as noise
# in a one-line snippet; anything else, raw HTML included, is shown as the text it is.
_MARKDOWN_NOISE = re.compile(r"\]\([^)]*\)|[*`~\[\]]+|^[ \t]*(?:>+|#+|[-+][ \t])", re.MULTILINE)


def readable_text(markdown_source: str) -> str:
    """A member's Markdown as one line of plain words."""
    return " ".join(_MARKDOWN_NOISE.sub(" ", markdown_source).split())


def highlight(text: str, terms: frozenset[str], limit: int | None = None) -> Markup:
    """`text` escaped, terms marked; cut to about `limit` characters around the most matches."""
    spans = spans_of(text, terms)
    begin, end = 0, len(text)
    if limit is not None and len(text) > limit:
        begin, end = _window(text, spans, limit)
    pieces = [Markup("…")] if begin > 0 else []
    position = begin
    for start, stop in spans:
        if start < begin or stop > end:
            continue
        pieces += [escape(text[position:start]), Markup("<mark>"), escape(text[start:stop])]
        pieces.append(Markup("</mark>"))
        position = stop
    pieces.append(escape(text[position:end]))
    if end < len(text):
        pieces.append(Markup("…"))
    return Markup("").join(pieces)


def _window(text: str, spans: list[tuple[int, int]], limit: int) -> tuple[int, int]:
    """The stretch of about `limit` characters holding the most matches, cut at spaces."""
    best_start, best_count, last = 0, 0, 0
    for first, (start, _) in enumerate(spans):
        while last < len(spans) and spans[last][1] <= start + limit:
            last += 1
        if last - first > best_count:
            best_start, best_count = start, last - first
    # Show a little of what leads up to the first match.
    begin = max(0, best_start - limit // 6) if best_count else 0
    if begin > 0:
        space = text.find(" ", begin)
        begin = space + 1 if 0 <= space < best_start else begin
    end = min(len(text), begin + limit)
    if end < len(text):
        space = text.rfind(" ", begin, end)
        end = space if space > begin else end
    return begin, end

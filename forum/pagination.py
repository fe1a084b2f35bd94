"""One page of a longer list (lists, search, moderation, replies), the page a plain link asks
for, and the only query parameters page links may carry."""

from dataclasses import dataclass

from flask import request
from marshmallow import Schema


@dataclass(kw_only=True)
class Page:
    """One page of results and what is needed to link to the others."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def requested_page(maximum: int) -> int:
    """The ?page= of a plain page link; anything odd means the first page."""
    raw = request.args.get("page", "1")
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 6) or int(raw) < 1:
        return 1
    return min(int(raw), maximum)


def link_args(schema: Schema) -> dict[str, str]:
    """The query parameters a page's links and form keep: the names the schema reads, only.

    Links are built with url_for(endpoint, **these): any other request parameter would become
    a url_for option (`_external`, `_scheme`, `_anchor`, `_method`) and point links at another
    host or fail to build. The page number is left out; each link sets its own.
    """
    names = (field.data_key or name for name, field in schema.fields.items())
    return {name: request.args[name] for name in names if name != "page" and request.args.get(name)}

"""Kept pages: whole pages for visitors who are not signed in, and the shared content of
signed-in members' pages (forum/caching.py says where they are kept: each process's memory,
or Redis shared by every worker and host).

A visitor's page depends only on its whole URL (scheme, host and script root as Flask sees
them, which its links are built from, path and query string) and on the data, so it is kept
under the content version (forum/models/content.py) and, where a view says so, a version of
derived state (the search index), and served again until either moves, one of the stories it
shows changes (forum/web/shown_stories.py: a "me too" or a reply moves only its story, see
forum/models/changes.py) or PAGE_CACHE_SECONDS pass. Only pages made for a request without
any cookie, that set no cookie, are kept: nothing that belongs to one visitor (a CSRF token, a
flash message) can reach another. They are served to anyone not signed in with no message waiting.

A member's page is their own header (name, bell, flash messages) around content that a view
declares the same for a whole audience (`member_audience`: every member, say, or every
moderator). That content, the part of the page between base.html's content markers, is kept
under the URL and the audience; the page's CSRF token in it is kept as a placeholder and the
reader's own token is put back, so its forms work for whoever reads it. A reader's own bits
inside the content (their answer in a form, say) are `own_part`s: kept as markers, each filled
for the reader by the function the view names for it. Each request renders only the header
and the own parts.
"""

import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import cached_property, lru_cache, wraps

from flask import Response, current_app, g, make_response, render_template, request, session
from flask_login import current_user
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from forum import caching, permissions
from forum.web import shown_stories
from forum.web.demo_banner import demo_banner_visible

# base.html marks the content block with these. Neither can come from a member: text is escaped
# (no "<") and sanitized HTML has its comments stripped (forum/sanitize.py).
CONTENT_START, CONTENT_END = "<!--content-->", "<!--/content-->"
CSRF_PLACEHOLDER = "<!--csrf-token-->"
TITLE_SLOT, CONTENT_SLOT = "<!--kept-title-->", "<!--kept-content-->"
# Where a kept shell takes the page's title and content (_shell).
TITLE_PIECE, CONTENT_PIECE = 1, 2
OWN_PART = re.compile(r"<!--own:(\w+):([\w-]*)-->")
SLOTS = re.compile(rf"{OWN_PART.pattern}|{CSRF_PLACEHOLDER}")
_KEEPING = "forum.keeping_content"
# Renderings of own parts kept per process (rendered_once_per_arguments): each is small.
RENDERINGS_KEPT = 1024
TITLE = re.compile(r"<title>(.*?) · Movement Notes</title>", re.DOTALL)


@dataclass(frozen=True)
class KeptPage:
    """A visitor's whole page."""

    body: bytes
    content_type: str
    stories: shown_stories.Shown = frozenset()
    made_at: int = 0  # the stories version it was made under

    @property
    def weight(self) -> int:
        return len(self.body)


@dataclass(frozen=True)
class KeptContent:
    """The content of a member's page, the same for its whole audience."""

    title: str
    content: str
    stories: shown_stories.Shown = frozenset()
    made_at: int = 0  # the stories version it was made under

    @property
    def weight(self) -> int:
        return len(self.content)

    @cached_property
    def pieces(self) -> tuple[bytes | tuple[str, str] | None, ...]:
        """The content split once at its slots: UTF-8 text, (own part, key), or None for the
        token.

        A page can be 100 kB (insights): joining pieces for each reader beats scanning it
        for markers and placeholders each time, and joining bytes beats encoding the page
        (with one character beyond ASCII in it, as every page has, encoding 100 kB of text
        took 111 µs, joining its bytes 2 µs)."""
        pieces: list = []
        start = 0
        for slot in SLOTS.finditer(self.content):
            pieces.append(self.content[start : slot.start()].encode())
            pieces.append((slot[1], slot[2]) if slot[1] else None)
            start = slot.end()
        pieces.append(self.content[start:].encode())
        return tuple(pieces)

    @cached_property
    def title_bytes(self) -> bytes:
        return self.title.encode()


def _serves_anyone() -> bool:
    """Not signed in (no session login, no remember cookie) and no message waiting."""
    if request.method != "GET" or "Authorization" in request.headers:
        return False
    if current_app.config.get("REMEMBER_COOKIE_NAME", REMEMBER_COOKIE) in request.cookies:
        return False
    return "_user_id" not in session and "_flashes" not in session


def page_key() -> tuple:
    """Everything in the request that changes the page's bytes.

    Links are built from the scheme, host and script root as Flask sees them (after the
    trusted proxies' headers): a page made for one host is never served for another.
    """
    return (request.scheme, request.host, request.root_path, request.path, request.query_string)


def _made_for_anyone(response: Response) -> bool:
    """A 200 page made without any cookie that set none: it holds nobody's data."""
    return (
        response.status_code == 200
        and not request.cookies
        and not session.modified
        and "Set-Cookie" not in response.headers
        and not response.direct_passthrough
    )


def _member_reading() -> bool:
    """A signed-in member's browser asking for a page."""
    if request.method != "GET" or "Authorization" in request.headers:
        return False
    return current_user.is_authenticated


def every_member() -> Hashable:
    """The audience of content that is the same for everyone signed in."""
    return ("signed in",)


def the_reader_alone() -> Hashable:
    """The audience of a member's own page ("my experiences", say): kept for them alone, so
    coming back to it costs nothing until something is written that it shows (a write only
    they see moves their `page_revision`, read with them at the start of the request, or
    every member's own pages at once, forum/models/changes.py)."""
    revision = caching.versions_now().members_pages
    return ("member", current_user.id, current_user.page_revision, revision)


def own_part(name: str, argument: str) -> Markup:
    """Template global: the reader's own bit `name` of the page (for `argument`, a key), made
    by the function the view's decorator names; a marker while content is made to be kept.

    An own part may leave CSRF_PLACEHOLDER where the reader's token goes: it is put in here,
    or once for the whole page where parts fill markers."""
    if g.get(_KEEPING):
        return Markup(f"<!--own:{name}:{argument}-->")  # noqa: S704 - names and keys only
    return Markup(_with_token(g.own_parts[name](argument)))  # noqa: S704 - our own parts


def rendered_once_per_arguments(render: Callable[..., Markup]) -> Callable[..., Markup]:
    """An own part that shows nothing of its reader but its arguments, rendered once per
    process for each set of them (and script root, which its links start with), with
    CSRF_PLACEHOLDER where the reader's token goes."""

    @lru_cache(maxsize=RENDERINGS_KEPT)
    def without_token(root_path: str, *arguments) -> Markup:
        html = str(render(*arguments)).replace(generate_csrf(), CSRF_PLACEHOLDER)
        return Markup(html)  # noqa: S704 - our own template's output

    @wraps(render)
    def for_reader(*arguments) -> Markup:
        return without_token(request.root_path, *arguments)

    return for_reader


def _with_token(html: str) -> str:
    """`html` with the reader's CSRF token where it has placeholders."""
    if CSRF_PLACEHOLDER not in html:
        return html
    return html.replace(CSRF_PLACEHOLDER, generate_csrf())


@lru_cache(maxsize=RENDERINGS_KEPT)
def _encoded_around_token(html: str) -> tuple[bytes, ...]:
    """An own part's HTML as UTF-8, cut where the reader's token goes.

    The insights page has a form per row: the same renderings come back for every reader
    (rendered_once_per_arguments), so each is cut and encoded once."""
    return tuple(part.encode() for part in html.split(CSRF_PLACEHOLDER))


def _fill_own_parts(html: str) -> str:
    if "<!--own:" not in html:
        return html
    return _with_token(OWN_PART.sub(lambda marker: g.own_parts[marker[1]](marker[2]), html))


def _shared_content(response: Response, made_at: int) -> KeptContent | None:
    """The content of a 200 page, with this request's CSRF token taken out; None if unfit."""
    if response.status_code != 200 or response.direct_passthrough:
        return None
    if response.mimetype != "text/html":
        return None
    body = response.get_data(as_text=True)
    start, end = body.find(CONTENT_START), body.rfind(CONTENT_END)
    title = TITLE.search(body)
    if start < 0 or end < start or title is None:
        return None
    content = body[start + len(CONTENT_START) : end]
    token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    if token:
        content = content.replace(token, CSRF_PLACEHOLDER)
    return KeptContent(title.group(1), content, shown_stories.noted(), made_at)


def _member_page(kept: KeptContent) -> bytes:
    """The reader's own page around the kept content, as UTF-8."""
    token = generate_csrf().encode()

    def for_reader(piece: bytes | tuple[str, str] | None) -> bytes:
        if isinstance(piece, bytes):
            return piece
        if piece is None:
            return token
        name, key = piece
        return token.join(_encoded_around_token(g.own_parts[name](key)))

    content = [for_reader(piece) for piece in kept.pieces]
    shell = _kept_shell()
    if shell is None:
        # Both are HTML our own templates made (every member's string already escaped there).
        title = Markup(kept.title)  # noqa: S704
        content = Markup(b"".join(content).decode())  # noqa: S704
        page = render_template("kept_content.html", title=title, content=content)
        return _with_token(page).encode()
    page = []
    for piece in shell:
        if piece == TITLE_PIECE:
            page.append(kept.title_bytes)
        elif piece == CONTENT_PIECE:
            page += content
        else:
            page.append(token if piece is None else piece)
    return b"".join(page)


def _kept_shell() -> tuple[bytes | int | None, ...] | None:
    """The reader's page around a title and content slot (their name, bell, sign-out form),
    kept for them as their bell is (`caching.remembered_for`); None when it must be made: a
    message is waiting, or the reader is a moderator (their badge counts what waits for
    review, which a story submitted moves without moving any version)."""
    shells = caching.caches().shells
    if shells is None or "_flashes" in session or permissions.is_moderator(current_user):
        return None
    # "pieces": shells kept in Redis as one string before now are never read as pieces.
    what = ("shell pieces", request.root_path, demo_banner_visible())
    return caching.remembered_for(current_user, what, _shell, shells)


def _shell() -> tuple[bytes | int | None, ...]:
    """The reader's page cut at its slots: UTF-8 text, TITLE_PIECE, CONTENT_PIECE, or None
    for the token."""
    # Our own template's output, around slots only our code fills.
    slots = {"title": Markup(TITLE_SLOT), "content": Markup(CONTENT_SLOT)}  # noqa: S704
    page = render_template("kept_content.html", **slots)
    before_title, rest = page.split(TITLE_SLOT, 1)
    before_content, after_content = rest.split(CONTENT_SLOT, 1)
    pieces: list = []
    cut = ((before_title, TITLE_PIECE), (before_content, CONTENT_PIECE), (after_content, None))
    for text, slot in cut:
        for position, part in enumerate(text.split(generate_csrf())):
            if position:
                pieces.append(None)
            pieces.append(part.encode())
        if slot is not None:
            pieces.append(slot)
    return tuple(pieces)


def _current(kept: KeptPage | KeptContent, place: caching.Slot) -> bool:
    """Kept under this content version, and none of the stories it shows changed since."""
    return shown_stories.unchanged(kept.stories, kept.made_at, place.stories_version)


def _serve_member(pages: caching.Store, key: tuple, tag: Hashable, make: Callable[[], object]):
    """The member's page around the content kept for `key`, made by `make()` when missing."""
    place = caching.slot(pages, ("member", *key), tag)
    kept = place.get()
    if kept is not None and _current(kept, place):
        return _member_page(kept)
    g.setdefault(_KEEPING, True)
    response = make_response(make())
    g.pop(_KEEPING)
    content = _shared_content(response, place.stories_version)
    if content is not None:
        place.keep(content)
    if not response.direct_passthrough and response.mimetype == "text/html":
        response.set_data(_fill_own_parts(response.get_data(as_text=True)))
    return response


def kept_for_anyone(
    also_keyed_on: Callable[[], Hashable] | None = None,
    member_audience: Callable[[], Hashable | None] | None = None,
    own_parts: dict[str, Callable[[str], Markup]] | None = None,
):
    """Serve this view's page from the cache to visitors who are not signed in and, where
    `member_audience` is given, its content to signed-in members.

    `also_keyed_on` names derived state the page shows beside the database (the search
    index), so that the page is made again when that moves. `member_audience()` names
    everything about the signed-in reader that the content depends on (their role, say, or
    `the_reader_alone()`); it returns None when the content must be made for them each time.
    `own_parts` names the functions that make the reader's own bits (see `own_part`).
    """

    def decorate(view):
        @wraps(view)
        def serve(*args, **kwargs):
            g.own_parts = own_parts or {}
            pages = caching.caches().pages
            if pages is None:
                return view(*args, **kwargs)
            shown_stories.start_noting()
            derived = also_keyed_on() if also_keyed_on else None
            if _serves_anyone():
                return _serve_anyone(pages, derived, lambda: view(*args, **kwargs))
            audience = member_audience() if member_audience and _member_reading() else None
            if audience is None:
                return view(*args, **kwargs)
            key = (page_key(), audience)
            return _serve_member(pages, key, derived, lambda: view(*args, **kwargs))

        return serve

    return decorate


def _serve_anyone(pages: caching.Store, derived: Hashable, make: Callable[[], object]):
    """The whole page kept for anyone not signed in, made by `make()` when missing."""
    # The banner's answer is itself remembered for a while: it is part of the key.
    place = caching.slot(pages, page_key(), (derived, demo_banner_visible()))
    page = place.get()
    if page is not None and _current(page, place):
        return Response(page.body, status=200, content_type=page.content_type)
    response = make_response(make())
    if _made_for_anyone(response):
        stories = shown_stories.noted()
        kept = KeptPage(response.get_data(), response.content_type, stories, place.stories_version)
        place.keep(kept)
    return response

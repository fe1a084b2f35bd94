"""Whole pages for visitors who are not signed in, kept in each process's memory.

Such a page depends only on its whole URL (scheme, host and script root as Flask sees them,
which its links are built from, path and query string) and on the data, so it is kept under
the content version (forum/models/content.py, moved by every committed write) and, where a
view says so, a version of derived state (the search index), and served again until either
moves or PAGE_CACHE_SECONDS pass (see forum/caching.py). Only pages made for a request
without any cookie, that set no cookie, are kept: nothing that belongs to one visitor (a CSRF
token, a flash message) can reach another. They are served to anyone not signed in with no
message waiting.
"""

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import wraps

from flask import Response, current_app, make_response, request, session
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE

from forum import caching
from forum.web.demo_banner import demo_banner_visible


@dataclass(frozen=True)
class KeptPage:
    body: bytes
    content_type: str


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


def kept_for_anyone(also_keyed_on: Callable[[], Hashable] | None = None):
    """Serve this view's page from the cache to visitors who are not signed in.

    `also_keyed_on` names derived state the page shows beside the database (the search
    index), so that the page is made again when that moves.
    """

    def decorate(view):
        @wraps(view)
        def serve(*args, **kwargs):
            pages = caching.caches().pages
            if pages is None or not _serves_anyone():
                return view(*args, **kwargs)
            # The banner's answer is itself remembered for a while: it is part of the key.
            tag = (also_keyed_on() if also_keyed_on else None, demo_banner_visible())
            place = caching.slot(pages, page_key(), tag)
            page = place.get()
            if page is not None:
                return Response(page.body, status=200, content_type=page.content_type)
            response = make_response(view(*args, **kwargs))
            if _made_for_anyone(response):
                place.keep(KeptPage(response.get_data(), response.content_type))
            return response

        return serve

    return decorate

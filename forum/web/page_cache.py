"""Whole pages for visitors who are not signed in, kept in each process's memory.

Such a page depends only on its URL and on the data, so it is kept under the content
version (forum/models/content.py, moved by every committed write) and, where a view says
so, a version of derived state (the search index), and served again until either moves or
PAGE_CACHE_SECONDS pass. Only pages made for a request without any cookie, that set no
cookie, are kept: nothing that belongs to one visitor (a CSRF token, a flash message) can
reach another. They are served to anyone not signed in with no message waiting.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import wraps

from flask import Flask, Response, current_app, make_response, request, session
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE

from forum.demo.banner import demo_banner_visible
from forum.extensions import db
from forum.models import content_version

EXTENSION = "forum.page_cache"


@dataclass(frozen=True)
class KeptPage:
    versions: tuple
    body: bytes
    content_type: str
    kept_at: float


class PageCache:
    """Least recently used pages up to `budget` bytes, each for at most `seconds`."""

    def __init__(self, budget: int, seconds: float):
        self.budget, self.seconds = budget, seconds
        self._pages: OrderedDict[str, KeptPage] = OrderedDict()
        self._size = 0
        self._newest_content = -1
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._pages)

    def get(self, url: str, versions: tuple) -> KeptPage | None:
        with self._lock:
            self._retire_older_than(versions[0])
            page = self._pages.get(url)
            if page is None:
                return None
            if page.versions != versions or time.monotonic() - page.kept_at > self.seconds:
                self._remove(url)
                return None
            self._pages.move_to_end(url)
            return page

    def put(self, url: str, versions: tuple, body: bytes, content_type: str) -> None:
        if len(body) > self.budget // 8:
            return
        with self._lock:
            if versions[0] < self._newest_content:
                return  # made from data older than pages already kept
            self._retire_older_than(versions[0])
            self._remove(url)
            self._pages[url] = KeptPage(versions, body, content_type, time.monotonic())
            self._size += len(body)
            while self._size > self.budget:
                self._remove(next(iter(self._pages)))

    def _retire_older_than(self, content: int) -> None:
        # A write retires every page at once; they would only wait to be evicted.
        if content > self._newest_content:
            self._pages.clear()
            self._size = 0
            self._newest_content = content

    def _remove(self, url: str) -> None:
        page = self._pages.pop(url, None)
        if page is not None:
            self._size -= len(page.body)


def _serves_anyone() -> bool:
    """Not signed in (no session login, no remember cookie) and no message waiting."""
    if request.method != "GET" or "Authorization" in request.headers:
        return False
    if current_app.config.get("REMEMBER_COOKIE_NAME", REMEMBER_COOKIE) in request.cookies:
        return False
    return "_user_id" not in session and "_flashes" not in session


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
            cache: PageCache | None = current_app.extensions.get(EXTENSION)
            if cache is None or not _serves_anyone():
                return view(*args, **kwargs)
            # Versions first, then the page: the page is then at least as new as its key.
            # The banner's answer is itself remembered for a while: it is part of the key.
            derived = also_keyed_on() if also_keyed_on else None
            versions = (content_version(db.session), derived, demo_banner_visible())
            url = request.full_path
            page = cache.get(url, versions)
            if page is not None:
                return Response(page.body, status=200, content_type=page.content_type)
            response = make_response(view(*args, **kwargs))
            if _made_for_anyone(response):
                cache.put(url, versions, response.get_data(), response.content_type)
            return response

        return serve

    return decorate


def init_page_cache(app: Flask) -> None:
    megabytes = app.config["PAGE_CACHE_MB"]
    if megabytes:
        app.extensions[EXTENSION] = PageCache(megabytes << 20, app.config["PAGE_CACHE_SECONDS"])

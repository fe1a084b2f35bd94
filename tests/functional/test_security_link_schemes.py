"""Finding 3: only http, https and mailto ever become an href, whatever path produced the link."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from forum.sanitize import ALLOWED_PROTOCOLS, render_markdown

# Every scheme html5lib and bleach know of, plus browsers' active ones and made-up ones.
KNOWN_SCHEMES = [
    "afs",
    "aim",
    "callto",
    "data",
    "ed2k",
    "feed",
    "ftp",
    "gopher",
    "irc",
    "mailto",
    "news",
    "nntp",
    "rsync",
    "rtsp",
    "sftp",
    "ssh",
    "tag",
    "telnet",
    "urn",
    "webcal",
    "xmpp",
    "javascript",
    "vbscript",
    "file",
    "blob",
    "about",
    "chrome",
    "intent",
    "tel",
    "sms",
    "git+ssh",
    "ms-settings",
    "x-unknown",
]
# The ways member text can ask for a link: bare autolink, Markdown, angle brackets, references.
SHAPES = (
    "{url} in the middle of a sentence",
    "[click here]({url})",
    "<{url}>",
    "[ref][1]\n\n[1]: {url}",
    '[click]({url} "title")',
)


class _Hrefs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.hrefs.extend(value or "" for name, value in attrs if name in ("href", "src"))


def hrefs_of(html: str) -> list[str]:
    parser = _Hrefs()
    parser.feed(html)
    return parser.hrefs


def scheme_of(href: str) -> str:
    """The scheme a browser would see (it drops ASCII whitespace and controls first)."""
    cleaned = "".join(ch for ch in href if ord(ch) > 0x20 and ord(ch) != 0x7F)
    return urlsplit(cleaned).scheme.lower()


def assert_only_allowed_schemes(source: str) -> None:
    for href in hrefs_of(render_markdown(source)):
        assert scheme_of(href) in ALLOWED_PROTOCOLS | {""}, (source, href)


def test_every_known_scheme_in_every_shape_links_only_to_allowed_schemes():
    for scheme in KNOWN_SCHEMES:
        for spelling in (scheme, scheme.upper(), scheme.capitalize()):
            for url in (f"{spelling}://evil.com/,%3Cscript%3E", f"{spelling}:evil.com/x"):
                for shape in SHAPES:
                    assert_only_allowed_schemes(shape.format(url=url))


def test_the_reviewed_examples_are_no_longer_links():
    for url in ("data://evil.com/,%3Cscript%3E", "webcal://evil.com/x", "ftp://evil.com/x"):
        html = render_markdown(f"see {url} now")
        assert f'href="{url}' not in html
        assert all(scheme_of(href) in ("http", "https") for href in hrefs_of(html))


def test_allowed_links_still_work():
    html = render_markdown("see https://example.org/a and [mail](mailto:me@example.org)")
    assert hrefs_of(html) == ["https://example.org/a", "mailto:me@example.org"]
    assert hrefs_of(render_markdown("plain example.com here")) == ["http://example.com"]


@settings(max_examples=200, deadline=None)
@given(
    scheme=st.from_regex(r"[A-Za-z][A-Za-z0-9+.\-]{0,12}", fullmatch=True),
    separator=st.sampled_from(["://", ":", ":/", ":\\\\", "&#58;//", "%3A//"]),
    padding=st.sampled_from(["", " ", "\t", "\x01", "&#x09;"]),
    shape=st.sampled_from(SHAPES),
)
def test_any_scheme_spelled_any_way_never_becomes_an_active_href(scheme, separator, padding, shape):
    url = f"{padding}{scheme}{separator}evil.com/x"
    assert_only_allowed_schemes(shape.format(url=url))

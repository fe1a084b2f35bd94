"""The Markdown sanitizer against known XSS payloads, plus a property: nothing executable, ever."""

import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forum.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, LINK_REL, render_markdown

DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:", "livescript:", "file:")


class _Collector(HTMLParser):
    """Every start tag with its attributes, as a browser's tokenizer would see them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def _scheme_of(url: str) -> str:
    """What a browser would take as the scheme, from an attribute value the parser has already
    entity-decoded once (as a browser does): controls and spaces dropped, case folded."""
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", url).lower()
    return cleaned.split(":", 1)[0] + ":" if ":" in cleaned else ""


def assert_not_executable(output: str) -> None:
    """The checks a browser-side XSS needs to get past; any failure is a hole."""
    assert "<script" not in output.lower()
    assert "<style" not in output.lower()
    parser = _Collector()
    parser.feed(output)
    parser.close()
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, f"tag <{tag}> in {output!r}"
        for name, value in attrs.items():
            assert not name.startswith("on"), f"event handler {name} in {output!r}"
            assert name in ALLOWED_ATTRIBUTES.get(tag, ()), f"attribute {name} on <{tag}>"
            if name == "href":
                assert _scheme_of(value or "") not in DANGEROUS_SCHEMES, output
        if tag == "a":
            assert attrs.get("rel") == LINK_REL


PAYLOADS = [
    # script tags, plain, nested, broken and case-mixed
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script/src=data:,alert(1)>",
    "<<script>alert(1);//<</script>",
    "text <script\n>alert(1)</script\n> more",
    "<ScRiPt>alert(String.fromCharCode(88,83,83))</sCrIpT>",
    "</p><script>alert(1)</script><p>",
    # event handlers
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=# onmouseover=\"alert('xss')\">",
    "<body onload=alert(1)>",
    "<div onclick='alert(1)'>click</div>",
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<p/onmouseover=alert(1)>hover</p>",
    "<b onmouseover=alert(1)//>bold</b>",
    "**bold** <em onclick=alert(1)>x</em>",
    # javascript: links in several encodings
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1))",
    "[click](&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1))",
    "[click](java&#x09;script:alert(1))",
    "[click](java&#10;script:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click]( javascript:alert(1))",
    "[click](<javascript:alert(1)>)",
    "[click](%6A%61vascript:alert(1))",
    "[click](\\javascript:alert(1))",
    "[click][ref]\n\n[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    "<a href=' javascript:alert(1)'>x</a>",
    "[click](vbscript:msgbox(1))",
    "[click](livescript:alert(1))",
    # data: URLs
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](DATA:text/html,<script>alert(1)</script>)",
    "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<object data="data:text/html,<script>alert(1)</script>"></object>',
    # SVG and MathML
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    # style
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<div style="width:expression(alert(1))">x</div>',
    "<link rel=stylesheet href=//evil.example/x.css>",
    # iframes, embeds, forms, meta
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    # nested and malformed markup
    '<a href="https://ok.example"><img src=x onerror=alert(1)></a>',
    "<<img src=x onerror=alert(1)>>",
    '<img src="x` `<script>alert(1)</script>"` `>',
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<textarea><script>alert(1)</script></textarea>",
    "> quote <script>alert(1)</script>\n> - list <img src=x onerror=alert(1)>",
    "- item\n  <svg onload=alert(1)>\n- [link](javascript:alert(1))",
    "`code` <code onclick=alert(1)>x</code>",
    "```\n<script>alert(1)</script>\n```",
    '[x](https://ok.example "t\\" onmouseover=\\"alert(1)")',
    '<https://ok.example/a"onmouseover="alert(1)>',
    "http://example.com/?q=<script>alert(1)</script>",
    '[x](https://ok.example)<a href="javascript:alert(1)">',
]


def test_there_are_at_least_fifty_payloads():
    assert len(set(PAYLOADS)) >= 50


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_renders_without_anything_executable(payload):
    assert_not_executable(render_markdown(payload))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_stays_harmless_inside_surrounding_markdown(payload):
    assert_not_executable(render_markdown(f"> *quoted* {payload}\n\n1. {payload}\n\n{payload}"))


def test_allowed_markdown_survives_and_links_get_rel():
    html = render_markdown(
        "Some *emphasis*, **strong**, `code`\n\n- one\n- two\n\n> quoted\n\n"
        "[a link](https://example.org/page) and https://example.com"
    )
    for fragment in ("<em>", "<strong>", "<code>", "<ul>", "<li>", "<blockquote>"):
        assert fragment in html
    assert html.count(f'rel="{LINK_REL}"') == 2
    assert 'href="https://example.org/page"' in html


def test_raw_html_is_shown_as_text_never_parsed():
    html = render_markdown('<a href="https://ok.example" target="_blank" rel="opener">x</a>')
    assert html.startswith("<p>&lt;a href=")
    assert "<a " not in html


def test_title_text_cannot_break_out_of_its_attribute():
    html = render_markdown('[x](https://ok.example "a\\" onclick=\\"alert(1)")')
    assert_not_executable(html)
    assert 'title="a&quot; onclick=&quot;alert(1)"' in html


_FRAGMENTS = st.sampled_from(
    [
        "<",
        ">",
        '"',
        "'",
        "`",
        "=",
        "/",
        ":",
        "&",
        "#",
        ";",
        "(",
        ")",
        "[",
        "]",
        "!",
        "\n",
        " ",
        "\t",
        "\x00",
        "script",
        "javascript",
        "data",
        "vbscript",
        "on",
        "onerror",
        "onload",
        "href",
        "src",
        "img",
        "svg",
        "a",
        "style",
        "iframe",
        "&#106;",
        "&#x3A;",
        "&colon;",
        "%3A",
        "alert(1)",
        "http://x.example",
        "*",
        "_",
        "-",
        "> ",
        "    ",
    ]
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_FRAGMENTS, max_size=40).map("".join))
def test_no_output_ever_contains_an_executable_construct(source):
    assert_not_executable(render_markdown(source))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_yields_executable_html(source):
    assert_not_executable(render_markdown(source))

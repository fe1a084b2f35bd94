"""What a page must never do: open a dialog, reach another origin, log an error, break the CSP."""

import re
from contextlib import contextmanager
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, ConsoleMessage, Dialog, Request

# Runs before any page script; reports each CSP violation to the test through a binding.
CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (event) => {
  window.__e2eCspViolation(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`
    + ` at ${event.sourceFile || document.location.href}:${event.lineNumber}`);
});
"""
FAILED_LOAD = re.compile(r"Failed to load resource: the server responded with a status of (\d+)")


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class Watch:
    """Collects every forbidden thing that happens in one browser context."""

    def __init__(self, base_url: str):
        self.origin = origin_of(base_url)
        self.problems: list[str] = []
        self._expected_statuses: set[int] = set()

    def attach(self, context: BrowserContext) -> None:
        context.on("request", self._on_request)
        context.on("console", self._on_console)
        context.on("dialog", self._on_dialog)
        context.on("weberror", lambda error: self.problems.append(f"page error: {error.error}"))
        context.expose_binding(
            "__e2eCspViolation", lambda source, text: self.problems.append(f"CSP: {text}")
        )
        context.add_init_script(CSP_LISTENER)
        # Whatever tries to leave is recorded above and then stopped here, never sent.
        context.route(lambda url: origin_of(url) != self.origin, lambda route: route.abort())

    @contextmanager
    def expecting(self, *statuses: int):
        """Within this block, a page answered with one of these statuses is not an error."""
        self._expected_statuses.update(statuses)
        try:
            yield
        finally:
            self._expected_statuses.difference_update(statuses)

    def take(self) -> list[str]:
        """The problems so far, forgetting them (to check a page at a time)."""
        problems, self.problems = self.problems, []
        return problems

    def _on_request(self, request: Request) -> None:
        if origin_of(request.url) != self.origin:
            self.problems.append(f"request to another origin: {request.url[:200]}")

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        failed = FAILED_LOAD.search(message.text)
        if failed and int(failed.group(1)) in self._expected_statuses:
            return
        where = message.location.get("url", "")
        self.problems.append(f"console error: {message.text} ({where})")

    def _on_dialog(self, dialog: Dialog) -> None:
        self.problems.append(f"{dialog.type} dialog opened: {dialog.message!r}")
        dialog.dismiss()

"""Response headers that make browsers enforce what the templates promise, and proxy trust."""

from flask import Flask, current_app, request, session
from werkzeug.middleware.proxy_fix import ProxyFix

# Everything from this origin only; no inline script or style (templates carry none), no
# plugins, no framing, forms post only here.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


def carries_personal_data() -> bool:
    """Answers to a signed-in browser or a token holder: nothing in between may keep a copy."""
    if request.endpoint == "static":
        return False
    if request.path.startswith("/api/"):
        return "Authorization" in request.headers
    # The session, not current_user: no database query, and a page for a stale login is
    # personal too.
    return "_user_id" in session


def add_security_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config["SESSION_COOKIE_SECURE"]:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if carries_personal_data():
        response.headers["Cache-Control"] = "no-store"
    return response


def trust_proxy_headers(app: Flask) -> None:
    """Behind TRUSTED_PROXY_COUNT proxies, take the client address and scheme from them.

    Only then: trusting X-Forwarded-For from anyone would let a caller pick the address
    that rate limits count against.
    """
    hops = app.config["TRUSTED_PROXY_COUNT"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def init_security(app: Flask) -> None:
    trust_proxy_headers(app)
    app.after_request(add_security_headers)

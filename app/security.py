"""Response headers and the checks on where a redirect may lead."""

from urllib.parse import urlsplit

from flask import Response, request, session
from flask_login import current_user

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


def set_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault(
            "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
        )
    if request.endpoint != "static":
        # Pages differ per signed-in user: never cache them or share them.
        # is_anonymous reads no column: after a commit, is_authenticated would
        # reload the user and, on SQLite, lock AIM after the Storefront, the
        # reverse of the order a staff request takes them in (a deadlock).
        response.vary.add("Cookie")
        # A guest's session holds a cart: that page is personal too.
        personal = not current_user.is_anonymous or bool(session)
        if personal or request.method != "GET":
            headers["Cache-Control"] = "no-store"
    return response


def safe_next(target: str | None, fallback: str) -> str:
    """Return target when it is a path on this site, else the fallback."""
    if not target:
        return fallback
    target = target.strip().replace("\\", "/")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/"):
        return fallback
    if target.startswith("//") or any(ord(ch) < 32 for ch in target):
        return fallback
    return target

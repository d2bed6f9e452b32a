"""Error pages, and what a failed request leaves behind: nothing."""

import logging
from urllib.parse import urlsplit

from flask import Flask, g, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from app.extensions import db, login_manager
from app.services.errors import NotFound

logger = logging.getLogger(__name__)

TITLES = {
    400: "Bad request",
    403: "Not allowed",
    404: "Page not found",
    405: "Method not allowed",
    413: "Too large",
    429: "Too many attempts",
    500: "Something went wrong",
    503: "Temporarily unavailable",
}

# Never echoed back on the "form expired" page.
SECRET_FIELDS = {
    "csrf_token",
    "password",
    "confirm_password",
    "new_password",
    "card_number",
    "card_expiry",
    "card_cvc",
}


def register(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(NotFound, lambda _error: render_error(404))
    app.register_error_handler(OperationalError, handle_database_down)
    app.register_error_handler(Exception, handle_unexpected)


def _area() -> str:
    blueprint = request.blueprint or "storefront"
    return blueprint if blueprint in ("aesys", "aim") else "storefront"


def render_error(status: int, message: str = "", **context):
    page = render_template(
        "errors/error.html",
        status=status,
        title=TITLES.get(status, "Error"),
        message=message,
        area=_area(),
        hide_nav=status in (500, 503),
        **context,
    )
    return page, status


def handle_http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    if error.code == 429:
        # The limiter's own description ("5 per 1 minute") means nothing to people.
        return render_error(
            429, "Too many attempts in a short time. Wait a few minutes and try again."
        )
    return render_error(error.code)


def handle_csrf_error(error: CSRFError):
    """Keep what the person typed, so an expired form is one click from sent.

    Only for a form this site served: a post from another site gets no
    resendable copy, or the page would turn a forged request into one click.
    """
    if request.method != "POST" or not _from_this_site():
        return render_error(
            400,
            "This form was sent without a valid security token, so nothing was "
            "saved. Open the page again and fill it in there.",
            csrf_reason=error.description,
        )
    kept = [
        (name, value)
        for name, value in request.form.items(multi=True)
        if name not in SECRET_FIELDS
    ]
    return render_error(
        400,
        "This form expired or was sent without its security token, so nothing "
        "was saved. Your entries are kept below: send them again.",
        csrf_reason=error.description,
        kept_fields=kept,
        # The query too: it carries where to go next (?next=/AeC2Brequest).
        resend_to=request.full_path.rstrip("?"),
    )


def _from_this_site() -> bool:
    """Whether the browser says the post came from a page of this site."""
    source = request.headers.get("Origin") or request.headers.get("Referer") or ""
    parts = urlsplit(source)
    return parts.netloc == request.host and parts.scheme == request.scheme


def handle_database_down(error: OperationalError):
    db.session.rollback()
    logger.error("database unavailable: %s", error.orig.__class__.__name__)
    # The page must not need the database: show it as to a signed-out visitor
    # (Flask-Login keeps the request's user in g._login_user).
    g._login_user = login_manager.anonymous_user()
    return render_error(
        503, "The store's database is not answering. Please try again shortly."
    )


def handle_unexpected(error: Exception):
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    if isinstance(error, NotFound):
        return render_error(404)
    db.session.rollback()
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return handle_database_down(error)
    logger.exception("unexpected error on %s %s", request.method, request.path)
    return render_error(500, "The error was logged. Please try again.")

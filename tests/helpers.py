"""Reading the pages the test client gets back, and both databases' contents."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import inspect, select

from app.extensions import db

CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
CSRF_HIDDEN = re.compile(r'type="hidden" name="csrf_token" value="([^"]+)"')
FLASH = re.compile(r'<p class="flash[^"]*"[^>]*>(.*?)</p>')


def text(response) -> str:
    return response.get_data(as_text=True)


def csrf_token(response) -> str:
    """The CSRF token of the first form on the page."""
    html = text(response)
    found = CSRF_INPUT.search(html) or CSRF_HIDDEN.search(html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def without_csrf(html: str) -> str:
    """The page with its CSRF tokens blanked, to compare two answers."""
    html = CSRF_INPUT.sub('name="csrf_token" type="hidden" value=""', html)
    return CSRF_HIDDEN.sub('type="hidden" name="csrf_token" value=""', html)


def flashes(response) -> list[str]:
    return [unescape(message) for message in FLASH.findall(text(response))]


def field_errors(response, field_id: str) -> list[str]:
    """The errors shown beside one field (the form macro's list under it)."""
    block = re.search(
        rf'<ul class="errors" id="{field_id}-errors">(.*?)</ul>', text(response), re.S
    )
    if block is None:
        return []
    return [unescape(item) for item in re.findall(r"<li>(.*?)</li>", block.group(1))]


def all_field_errors(response) -> dict[str, list[str]]:
    ids = re.findall(r'<ul class="errors" id="([\w-]+)-errors">', text(response))
    return {field_id: field_errors(response, field_id) for field_id in ids}


def input_value(response, name: str) -> str | None:
    """The value an input is rendered with, or None when it has none."""
    tag = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', text(response))
    assert tag, f"no input named {name}"
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return unescape(value.group(1)) if value else None


def redirect_target(response) -> tuple[str, dict[str, list[str]]]:
    """The path and query a redirect leads to."""
    assert response.status_code in (301, 302, 303, 307, 308), response.status
    parts = urlsplit(response.headers["Location"])
    return parts.path, parse_qs(parts.query)


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table of both databases, in key order."""
    rows = {}
    for bind_key, metadata in db.metadatas.items():
        bind = {"bind": db.engines[bind_key]}
        for table in metadata.sorted_tables:
            query = select(table).order_by(*table.primary_key.columns)
            result = db.session.execute(query, bind_arguments=bind)
            rows[table.name] = [tuple(row) for row in result]
    db.session.commit()
    return rows


def fresh(record):
    """The record as the database holds it now.

    Works whether or not a request detached the test's copy from the session
    (the user loader hands requests a detached snapshot of the signed-in user).
    """
    db.session.expire_all()
    return db.session.get(type(record), inspect(record).identity)

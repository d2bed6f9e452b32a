"""Jinja filters shared by every area's templates."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app


def money(cents: int | None) -> str:
    """Whole cents as the store shows prices: $1,234.56."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents) / 100:,.2f}"


def local(moment: datetime | None) -> datetime | None:
    """A stored UTC time in the store's own time zone (STORE_TIMEZONE)."""
    if moment is None:
        return None
    return moment.astimezone(ZoneInfo(current_app.config["STORE_TIMEZONE"]))


def register(app: Flask) -> None:
    app.add_template_filter(money, "money")
    app.add_template_filter(local, "local")

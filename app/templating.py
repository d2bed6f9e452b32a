"""Jinja filters shared by every area's templates."""

from flask import Flask


def money(cents: int | None) -> str:
    """Whole cents as the store shows prices: $1,234.56."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents) / 100:,.2f}"


def register(app: Flask) -> None:
    app.add_template_filter(money, "money")

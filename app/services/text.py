"""Normalising what people type: names for search, emails and phone numbers."""

import unicodedata

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from app.services.errors import ServiceError

DEFAULT_REGION = "US"


def fold(value: str) -> str:
    """Lower case without accents, for searches that ignore both."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def clean(value: str | None) -> str:
    """Trim, NFC-normalise and collapse inner runs of white space."""
    return " ".join(unicodedata.normalize("NFC", value or "").split())


def normalize_email(value: str, field: str = "email") -> tuple[str, str]:
    """Return the email to show and the key it is unique by (case-folded)."""
    text = unicodedata.normalize("NFC", (value or "").strip())
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as error:
        raise ServiceError(f"Enter a valid email address ({error}).", field) from None
    email = result.normalized
    return email, unicodedata.normalize("NFKC", email).casefold()


def normalize_phone(value: str, field: str = "phone") -> str:
    """Format a phone number the store's way; empty stays empty."""
    text = clean(value)
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise ServiceError("Enter a valid phone number.", field) from None
    if not phonenumbers.is_possible_number(number):
        raise ServiceError("Enter a valid phone number.", field)
    if number.country_code == 1:
        return phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.NATIONAL
        )
    return phonenumbers.format_number(
        number, phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )


def phone_digits(value: str) -> str:
    """The national digits of a phone number, for search."""
    digits = "".join(ch for ch in value or "" if ch.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        return digits[1:]
    return digits


def is_number(value: str) -> bool:
    """ASCII digits only: str.isdigit() also takes "²", which int() refuses."""
    return value.isascii() and value.isdigit()


def fit_columns(values: dict, model, fields: dict[str, str] | None = None) -> None:
    """Refuse a value longer than its column once normalised.

    Forms check lengths on what was typed, but NFC, upper-casing and folding
    can lengthen text ("ß" upper-cases to "SS"). fields maps a column to the
    form field its error belongs beside, where the two names differ.
    """
    columns = model.__table__.c
    for name, value in values.items():
        length = (
            getattr(columns[name].type, "length", None) if name in columns else None
        )
        if isinstance(value, str) and length and len(value) > length:
            field = (fields or {}).get(name, name)
            raise ServiceError(f"Shorten this to at most {length} characters.", field)

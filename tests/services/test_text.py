import pytest

from app.services.errors import ServiceError
from app.services.text import (
    clean,
    fold,
    normalize_email,
    normalize_phone,
    phone_digits,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("González", "gonzalez"),
        ("  ÉLODIE   Dupont ", "elodie dupont"),
        ("Zoë\tBrontë", "zoe bronte"),
        ("STRASSE", "strasse"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold_drops_case_accents_and_extra_space(value, expected):
    assert fold(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  Pat   O'Neil ", "Pat O'Neil"),
        ("Jose\u0301", "Jos\u00e9"),
        ("line\nbreak", "line break"),
        ("", ""),
        (None, ""),
    ],
)
def test_clean_trims_composes_and_collapses(value, expected):
    assert clean(value) == expected


@pytest.mark.parametrize(
    ("value", "shown", "key"),
    [
        ("  pat@example.com  ", "pat@example.com", "pat@example.com"),
        ("Pat@Example.COM", "Pat@example.com", "pat@example.com"),
        (
            "E\u0301lodie@example.com",
            "\u00c9lodie@example.com",
            "\u00e9lodie@example.com",
        ),
    ],
)
def test_normalize_email_trims_normalises_and_keys_without_case(value, shown, key):
    assert normalize_email(value) == (shown, key)


@pytest.mark.parametrize(
    "value",
    ["", "   ", None, "not-an-email", "pat@", "@example.com", "pat smith@example.com"],
)
def test_normalize_email_refuses_bad_addresses_on_the_field(value):
    with pytest.raises(ServiceError) as caught:
        normalize_email(value, field="contact_email")

    assert caught.value.field == "contact_email"
    assert caught.value.message.startswith("Enter a valid email address")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2175550100", "(217) 555-0100"),
        (" 217.555.0100 ", "(217) 555-0100"),
        ("+1 217 555 0100", "(217) 555-0100"),
        ("+44 20 7946 0958", "+44 20 7946 0958"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_normalize_phone_formats_the_stores_way(value, expected):
    assert normalize_phone(value) == expected


@pytest.mark.parametrize("value", ["call me", "12", "+1 217 555 0100 0100 0100 99"])
def test_normalize_phone_refuses_nonsense_on_the_field(value):
    with pytest.raises(ServiceError) as caught:
        normalize_phone(value, field="mobile")

    assert caught.value.field == "mobile"
    assert caught.value.message == "Enter a valid phone number."


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("(217) 555-0100", "2175550100"),
        ("+1 217 555 0100", "2175550100"),
        ("555-0100", "5550100"),
        ("+44 20 7946 0958", "442079460958"),
        ("", ""),
        (None, ""),
    ],
)
def test_phone_digits_keeps_national_digits(value, expected):
    assert phone_digits(value) == expected

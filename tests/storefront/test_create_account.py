"""/createaccount.aspx: a new web account, whose number is its Active-e ID."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import WebAccount
from tests.helpers import (
    all_field_errors,
    field_errors,
    flashes,
    input_value,
    redirect_target,
    text,
)

FORM = {
    "first_name": "Jordan",
    "last_name": "Rivera",
    "email": "jordan.rivera@example.com",
    "password": "tuba practice every day",
    "confirm_password": "tuba practice every day",
    "phone": "217 555 0142",
    "address": "12 Elm St",
    "city": "Springfield",
    "state": "IL",
    "postal_code": "62704",
}


def account_count() -> int:
    return db.session.scalar(select(func.count()).select_from(WebAccount))


def test_the_form_has_the_store_s_labels(client):
    page = text(client.get("/createaccount.aspx"))

    for label in (
        "First name",
        "Last name",
        "Email",
        "Password",
        "Confirm password",
        "Phone",
        "Address",
        "City",
        "State",
        "Postal code",
    ):
        assert f">{label}</label>" in page
    assert 'value="Create account"' in page


def test_creating_an_account_signs_in_and_shows_the_active_e_id(client):
    response = client.post("/createaccount.aspx", data=FORM)

    account = db.session.scalar(select(WebAccount))
    assert redirect_target(response) == ("/account", {})
    assert account.email == "jordan.rivera@example.com"
    assert account.phone == "(217) 555-0142"
    assert account.password_hash.startswith("scrypt:")
    assert FORM["password"] not in account.password_hash

    page = client.get("/account")
    assert page.status_code == 200
    assert flashes(page) == [
        f"Welcome, Jordan! Your account is ready; your Active-e ID is {account.id}."
    ]
    assert f'<dt>Active-e ID</dt><dd class="strong">{account.id}</dd>' in text(page)


def test_a_new_account_goes_back_to_the_page_it_came_from(client):
    response = client.post("/createaccount.aspx?next=/AeC2Brequest", data=FORM)

    assert redirect_target(response) == ("/AeC2Brequest", {})
    assert client.get("/AeC2Brequest").status_code == 200


@pytest.mark.parametrize(
    "path", ["/CreateAccount.aspx", "/CREATEACCOUNT.ASPX", "/createAccount.aspx"]
)
def test_the_path_works_in_any_letter_case(client, path):
    page = client.get(path, follow_redirects=True)
    assert page.status_code == 200
    assert "<h1>Create account</h1>" in text(page)

    response = client.post(path, data=FORM, follow_redirects=True)

    assert response.request.path == "/account"
    assert account_count() == 1


@pytest.mark.parametrize(
    "email",
    [
        "jordan.rivera@example.com",
        "JORDAN.RIVERA@EXAMPLE.COM",
        "  Jordan.Rivera@Example.com  ",
        "jordan.rivera@EXAMPLE.com",
    ],
)
def test_a_second_account_for_one_email_is_a_field_error(client, make_account, email):
    make_account(email="jordan.rivera@example.com")

    response = client.post("/createaccount.aspx", data={**FORM, "email": email})

    assert response.status_code == 200
    assert field_errors(response, "email") == [
        "An account with this email already exists. Sign in instead."
    ]
    assert input_value(response, "first_name") == "Jordan"
    assert account_count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"confirm_password": "tuba practice every night"},
            "confirm_password",
            "The two passwords do not match.",
        ),
        (
            {"password": "short", "confirm_password": "short"},
            "password",
            "Use at least 8 characters.",
        ),
        (
            {"password": "x" * 129, "confirm_password": "x" * 129},
            "password",
            "Use at most 128 characters.",
        ),
        (
            {"password": "password1", "confirm_password": "password1"},
            "password",
            "This password is too common and easy to guess. Choose another.",
        ),
        ({"first_name": ""}, "first_name", "This field is required."),
        ({"last_name": "   "}, "last_name", "This field is required."),
        ({"email": ""}, "email", "This field is required."),
        ({"confirm_password": ""}, "confirm_password", "This field is required."),
        (
            {"first_name": "J" * 61},
            "first_name",
            "Field cannot be longer than 60 characters.",
        ),
        (
            {"address": "9" * 121},
            "address",
            "Field cannot be longer than 120 characters.",
        ),
        (
            {"postal_code": "1" * 13},
            "postal_code",
            "Field cannot be longer than 12 characters.",
        ),
        (
            {"email": "a" * 250 + "@example.com"},
            "email",
            "Field cannot be longer than 254 characters.",
        ),
        ({"last_name": "Riv\x00era"}, "last_name", "Remove the control characters."),
        ({"city": "Spring\x1bfield"}, "city", "Remove the control characters."),
        ({"first_name": "Jor\x7fdan"}, "first_name", "Remove the control characters."),
        ({"phone": "call me"}, "phone", "Enter a valid phone number."),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 20 else None,
)
def test_bad_input_is_a_field_error_with_the_values_kept(
    client, changes, field, message
):
    response = client.post("/createaccount.aspx", data={**FORM, **changes})

    assert response.status_code == 200
    assert all_field_errors(response) == {field: [message]}
    for name in ("first_name", "last_name", "email", "phone", "address", "city"):
        if name not in changes:
            assert input_value(response, name) == FORM[name]
    assert input_value(response, "password") == ""
    assert FORM["password"] not in text(response)
    assert account_count() == 0


def test_an_invalid_email_says_why(client):
    response = client.post("/createaccount.aspx", data={**FORM, "email": "jordan@"})

    assert response.status_code == 200
    [message] = field_errors(response, "email")
    assert message.startswith("Enter a valid email address (")
    assert input_value(response, "email") == "jordan@"
    assert account_count() == 0


def test_any_characters_make_a_password(client):
    password = "Ünïcødé pässwörd ♫ 𝄞 with spaces"
    data = {**FORM, "password": password, "confirm_password": password}

    response = client.post("/createaccount.aspx", data=data)

    assert redirect_target(response) == ("/account", {})
    client.post("/logout")
    again = client.post("/login", data={"email": FORM["email"], "password": password})
    assert redirect_target(again) == ("/account", {})


def test_a_password_may_hold_any_characters(client):
    password = "tab\there ünïcödé 🎺"
    form = {
        "first_name": "Ann",
        "last_name": "Tabs",
        "email": "ann.tabs@example.com",
        "password": password,
        "confirm_password": password,
    }

    response = client.post("/createaccount.aspx", data=form)

    assert response.status_code == 302
    assert db.session.scalar(select(WebAccount.email)) == "ann.tabs@example.com"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("postal_code", "ß" * 12),  # upper-cases to 24 characters
        ("first_name", "\ufb2c" * 60),  # NFC turns each into three
        ("email", "\ufdfa" * 14 + "@example.com"),  # its folded key outgrows 254
    ],
)
def test_text_that_normalising_lengthens_is_a_field_error(client, field, value):
    form = {
        "first_name": "Ann",
        "last_name": "Long",
        "email": "ann.long@example.com",
        "password": "a long enough passphrase",
        "confirm_password": "a long enough passphrase",
        field: value,
    }

    response = client.post("/createaccount.aspx", data=form)

    assert response.status_code == 200
    assert "at most" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(WebAccount)) == 0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("\u200b\u200b", "Enter visible characters."),
        ("Ann\u202eetiS", "Remove the hidden direction marks."),
    ],
)
def test_invisible_or_reordering_characters_in_a_name_are_refused(
    client, value, message
):
    form = {
        "first_name": "Ann",
        "last_name": value,
        "email": "ann.hidden@example.com",
        "password": "a long enough passphrase",
        "confirm_password": "a long enough passphrase",
    }

    response = client.post("/createaccount.aspx", data=form)

    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(WebAccount)) == 0

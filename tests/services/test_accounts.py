import logging

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import WebAccount
from app.services import accounts
from app.services.accounts import AccountDetails, register_account
from app.services.errors import ServiceError

PASSWORD = "a tune on the piano"


def details(**values) -> AccountDetails:
    fields = {
        "first_name": "Élodie",
        "last_name": "Dupont",
        "email": "elodie@example.com",
        "phone": "217 555 0133",
        "address": "12 Elm St",
        "city": "Springfield",
        "state": "IL",
        "postal_code": "62701",
    }
    fields.update(values)
    return AccountDetails(**fields)


def account_count() -> int:
    return db.session.scalar(select(func.count()).select_from(WebAccount))


def stored(account_id: int) -> WebAccount:
    db.session.expire_all()
    return db.session.get(WebAccount, account_id)


def test_register_account_stores_clean_details(app):
    account = register_account(
        details(
            first_name="  Élodie ",
            last_name=" Du  Pont",
            email="  Elodie@Example.COM ",
            postal_code=" k1a 0b1 ",
        ),
        PASSWORD,
    )

    saved = stored(account.id)
    assert saved.id == account.active_e_id
    assert saved.first_name == "Élodie"
    assert saved.last_name == "Du Pont"
    assert saved.search_name == "elodie du pont"
    assert saved.email == "Elodie@example.com"
    assert saved.email_key == "elodie@example.com"
    assert saved.phone == "(217) 555-0133"
    assert saved.postal_code == "K1A 0B1"
    assert saved.aim_customer_number is None
    assert saved.disabled is False


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("pat@example.com", "pat@example.com"),
        ("pat@example.com", "PAT@EXAMPLE.COM"),
        ("pat@example.com", "  Pat@Example.com\t"),
        ("Pat@Example.com", "pat@example.com"),
        ("\u00e9lodie@example.com", "E\u0301LODIE@example.com"),
        ("e\u0301lodie@example.com", "\u00c9lodie@EXAMPLE.com"),
    ],
)
def test_second_registration_of_an_email_is_refused_on_the_field(app, first, second):
    register_account(details(email=first), PASSWORD)

    with pytest.raises(ServiceError) as caught:
        register_account(details(email=second, first_name="Other"), PASSWORD)

    assert caught.value.message == accounts.EMAIL_TAKEN
    assert caught.value.field == "email"
    assert account_count() == 1


def test_registration_race_is_refused_on_the_field(app, monkeypatch):
    register_account(details(email="pat@example.com"), PASSWORD)
    # The other registration commits between this one's check and its commit.
    monkeypatch.setattr(accounts, "find_account_by_email", lambda key: None)

    with pytest.raises(ServiceError) as caught:
        register_account(details(email="PAT@example.com"), PASSWORD)

    assert caught.value.message == accounts.EMAIL_TAKEN
    assert caught.value.field == "email"
    assert account_count() == 1
    monkeypatch.undo()
    assert register_account(details(email="sam@example.com"), PASSWORD).id


@pytest.mark.parametrize(
    ("email", "password", "field"),
    [
        ("", PASSWORD, "email"),
        ("not an email", PASSWORD, "email"),
        ("pat@", PASSWORD, "email"),
        ("pat@example.com", "", "password"),
        ("pat@example.com", "seven77", "password"),
        ("pat@example.com", "x" * 129, "password"),
        ("pat@example.com", "Password", "password"),
        ("pat@example.com", "qwertyuiop", "password"),
    ],
)
def test_bad_registration_is_refused_on_its_field(app, email, password, field):
    with pytest.raises(ServiceError) as caught:
        register_account(details(email=email), password)

    assert caught.value.field == field
    assert account_count() == 0


def test_bad_phone_is_refused_on_the_field(app):
    with pytest.raises(ServiceError) as caught:
        register_account(details(phone="call me"), PASSWORD)

    assert caught.value.field == "phone"
    assert account_count() == 0


@pytest.mark.parametrize(
    "password",
    ["x" * 8, "x" * 128, "pässwörd ñandú", "日本語のパスワードです", "🎸" * 8],
)
def test_any_characters_make_a_password(app, password):
    account = register_account(details(), password)

    assert accounts.authenticate_customer("elodie@example.com", password) == account


def test_password_is_stored_as_scrypt_and_nowhere_in_plain(app, caplog):
    caplog.set_level(logging.DEBUG)
    password = "secret-Ünïcode-tune"

    account = register_account(details(), password)
    accounts.authenticate_customer("elodie@example.com", password)
    with pytest.raises(ServiceError):
        accounts.authenticate_customer("elodie@example.com", password + "!")

    row = db.session.execute(
        select(WebAccount.__table__).where(WebAccount.id == account.id)
    ).one()
    assert row.password_hash.startswith("scrypt:")
    assert not any(password in str(value) for value in row)
    assert f"web account {account.id} created" in caplog.text
    assert "sign-in refused" in caplog.text
    assert password not in caplog.text


@pytest.mark.parametrize(
    "email", ["elodie@example.com", "ELODIE@EXAMPLE.COM", "  Elodie@Example.com  "]
)
def test_sign_in_works_with_any_case_and_spaces(app, email):
    account = register_account(details(), PASSWORD)

    assert accounts.authenticate_customer(email, PASSWORD) == account


@pytest.mark.parametrize(
    ("email", "password", "disabled"),
    [
        ("nobody@example.com", PASSWORD, False),
        ("elodie@example.com", PASSWORD + "x", False),
        ("elodie@example.com", PASSWORD.upper(), False),
        ("elodie@example.com", "", False),
        ("elodie@example.com", PASSWORD, True),
        ("not an email", PASSWORD, False),
        ("", "", False),
    ],
)
def test_every_sign_in_failure_says_the_same(app, email, password, disabled):
    account = register_account(details(), PASSWORD)
    account.disabled = disabled
    db.session.commit()

    with pytest.raises(ServiceError) as caught:
        accounts.authenticate_customer(email, password)

    assert caught.value.message == accounts.SIGN_IN_FAILED
    assert caught.value.field is None


def test_end_sessions_rotates_the_token(make_account, make_staff):
    account = make_account()
    staff = make_staff("aim_clerk")
    old_id, old_staff_id = account.get_id(), staff.get_id()
    old_token = account.session_token

    accounts.end_sessions(account)
    accounts.end_sessions(staff)

    saved = stored(account.id)
    assert saved.session_token != old_token
    assert len(saved.session_token) >= 32
    assert saved.get_id() != old_id
    assert saved.get_id().startswith(f"customer:{account.id}:")
    assert staff.get_id() != old_staff_id


@pytest.mark.parametrize(
    ("email", "key"),
    [
        ("Pat@Example.com", "pat@example.com"),
        ("not an email", "not an email"),
    ],
)
def test_sign_in_key_is_the_folded_email(email, key):
    assert accounts.sign_in_key(email) == key


def test_find_account_by_email_uses_the_key(make_account):
    account = make_account(email="Pat@example.com", email_key="pat@example.com")

    assert accounts.find_account_by_email("pat@example.com") == account
    assert accounts.find_account_by_email("Pat@example.com") is None
    assert accounts.get_account(account.id) == account
    assert accounts.get_account(account.id + 1) is None

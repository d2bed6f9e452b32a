"""Web accounts: creating them, signing in and out."""

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import WebAccount
from app.models.types import new_token
from app.services import passwords
from app.services.errors import ServiceError
from app.services.text import (
    clean,
    fit_columns,
    fold,
    normalize_email,
    normalize_phone,
)

logger = logging.getLogger(__name__)

SIGN_IN_FAILED = "That email and password do not match an account."
EMAIL_TAKEN = "An account with this email already exists. Sign in instead."


@dataclass
class AccountDetails:
    first_name: str
    last_name: str
    email: str
    phone: str = ""
    address: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""


def register_account(details: AccountDetails, password: str) -> WebAccount:
    """Create a web account; its new id is the customer's Active-e ID."""
    account = new_account(details, password)
    db.session.add(account)
    try:
        db.session.commit()
    except IntegrityError:
        # Someone registered the same address between our check and commit.
        db.session.rollback()
        raise ServiceError(EMAIL_TAKEN, "email") from None

    logger.info("web account %s created", account.id)
    return account


def new_account(details: AccountDetails, password: str) -> WebAccount:
    """A web account checked by the rules of /createaccount.aspx, not yet added.

    Checkout uses it too, so an account made while ordering obeys the same rules.
    """
    email, email_key = normalize_email(details.email)
    passwords.check_new_password(password)
    if find_account_by_email(email_key) is not None:
        raise ServiceError(EMAIL_TAKEN, "email")

    values = {
        "email": email,
        "email_key": email_key,
        "phone": normalize_phone(details.phone),
        **_contact_fields(details),
    }
    fit_columns(values, WebAccount, {"email_key": "email"})
    return WebAccount(password_hash=passwords.hash_password(password), **values)


def _contact_fields(details: AccountDetails) -> dict:
    first, last = clean(details.first_name), clean(details.last_name)
    return {
        "first_name": first,
        "last_name": last,
        # Only for search: cut to its column rather than refuse the name.
        "search_name": fold(f"{first} {last}")[:130],
        "address": clean(details.address),
        "city": clean(details.city),
        "state": clean(details.state),
        "postal_code": clean(details.postal_code).upper(),
    }


def find_account_by_email(email_key: str) -> WebAccount | None:
    return db.session.scalar(
        select(WebAccount).where(WebAccount.email_key == email_key)
    )


def authenticate_customer(email: str, password: str) -> WebAccount:
    """Return the account, or one message for every kind of failure."""
    try:
        _, email_key = normalize_email(email)
    except ServiceError:
        email_key = None
    account = find_account_by_email(email_key) if email_key else None

    ok = passwords.verify_password(account.password_hash if account else None, password)
    if account is None or not ok or account.disabled:
        logger.info("customer sign-in refused")
        raise ServiceError(SIGN_IN_FAILED)
    return account


def sign_in_key(email: str) -> str:
    """The key failed sign-ins are counted under for one account."""
    try:
        return normalize_email(email)[1]
    except ServiceError:
        return fold(email)[:254]


def end_sessions(user) -> None:
    """Replace the user's session token: every copy of their cookie stops working."""
    stored = db.session.get(type(user), user.id)
    stored.session_token = new_token()
    db.session.commit()
    logger.info("sessions ended for %s", user.get_id().rsplit(":", 1)[0])


def get_account(account_id: int) -> WebAccount | None:
    return db.session.get(WebAccount, account_id)

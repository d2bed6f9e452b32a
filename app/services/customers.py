"""AIM customers: finding, adding and editing them."""

import logging
from dataclasses import dataclass, fields

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.models import AuditEntry, Customer, Staff
from app.models.types import utcnow
from app.services import audit
from app.services.errors import Conflict, NotFound, ServiceError
from app.services.text import (
    clean,
    fit_columns,
    fold,
    normalize_email,
    normalize_phone,
    phone_digits,
)

logger = logging.getLogger(__name__)

MAX_SEARCH_WORDS = 5
MAX_SEARCH_LENGTH = 100

STALE = (
    "Someone else saved this customer while you were editing. Your changes were "
    "not saved: review the current details and make them again."
)


@dataclass
class CustomerDetails:
    first_name: str
    last_name: str
    company: str = ""
    address: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    phone: str = ""
    mobile: str = ""
    email: str = ""
    email_statements: bool = False
    notes: str = ""


FIELD_LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "company": "Company",
    "address": "Address",
    "city": "City",
    "state": "State",
    "postal_code": "Postal code",
    "phone": "Phone",
    "mobile": "Mobile",
    "email": "Email",
    "email_statements": "Email statements",
    "notes": "Notes",
}


def get_customer(number: int) -> Customer:
    customer = db.session.get(Customer, number)
    if customer is None:
        raise NotFound(f"There is no AIM customer #{number}.")
    return customer


def search_query(text: str) -> Select:
    """Customers matching a number, name, phone or email; accents and case ignored."""
    query = select(Customer).order_by(
        Customer.search_last, Customer.search_first, Customer.number
    )
    text = clean(text)[:MAX_SEARCH_LENGTH]
    if not text:
        return query

    digits = phone_digits(text)
    by_phone = or_(
        Customer.phone_digits.startswith(digits),
        Customer.phone_local.startswith(digits),
    )
    if text.lstrip("#").isdecimal() and len(text.lstrip("#")) <= 7:
        return query.where(or_(Customer.number == int(text.lstrip("#")), by_phone))
    if digits and len(digits) >= 4 and not any(ch.isalpha() for ch in text):
        return query.where(by_phone)
    if "@" in text:
        return query.where(Customer.email_key.startswith(fold(text), autoescape=True))

    # A handful of words narrows enough; a thousand would only load the database.
    for word in fold(text).replace(",", " ").split()[:MAX_SEARCH_WORDS]:
        query = query.where(
            or_(
                Customer.search_first.startswith(word, autoescape=True),
                Customer.search_last.startswith(word, autoescape=True),
                Customer.email_key.startswith(word, autoescape=True),
            )
        )
    return query


def search_customers(text: str, page: int = 1, per_page: int = 20):
    return db.paginate(
        search_query(text), page=page, per_page=per_page, error_out=False
    )


def _clean_details(details: CustomerDetails) -> dict:
    values = {
        "first_name": clean(details.first_name),
        "last_name": clean(details.last_name),
        "company": clean(details.company),
        "address": clean(details.address),
        "city": clean(details.city),
        "state": clean(details.state),
        "postal_code": clean(details.postal_code).upper(),
        "phone": normalize_phone(details.phone, "phone"),
        "mobile": normalize_phone(details.mobile, "mobile"),
        "email": "",
        "email_statements": bool(details.email_statements),
        "notes": (details.notes or "").strip(),
    }
    if not values["last_name"]:
        raise ServiceError("Enter the customer's last name.", "last_name")
    if details.email and details.email.strip():
        values["email"] = normalize_email(details.email, "email")[0]
    fit_columns(values, Customer)
    return values


def apply_values(customer: Customer, values: dict) -> list[str]:
    """Set the values, keep the search keys in step, and list what changed."""
    changed = [
        name for name, value in values.items() if getattr(customer, name) != value
    ]
    for name, value in values.items():
        setattr(customer, name, value)
    # Search keys are cut to their columns: folding can lengthen a name.
    customer.search_first = fold(customer.first_name)[:60]
    customer.search_last = fold(customer.last_name)[:60]
    customer.email_key = fold(customer.email)[:254]
    customer.phone_digits = phone_digits(customer.phone)
    customer.phone_local = customer.phone_digits[-7:]
    customer.updated_at = utcnow()
    return changed


def create_customer(
    details: CustomerDetails, staff: Staff, active_e_id: int | None = None
) -> Customer:
    """Add an AIM customer; numbers come from the database, from 201 up."""
    values = _clean_details(details)
    customer = Customer(active_e_id=active_e_id)
    apply_values(customer, values)
    if active_e_id is not None:
        customer.linked_at = utcnow()
    db.session.add(customer)
    db.session.flush()
    audit.record(
        staff,
        "customer added",
        customer_number=customer.number,
        web_account_id=active_e_id,
        details=customer.full_name
        + (f", Active-e ID {active_e_id} applied" if active_e_id else ""),
    )
    db.session.commit()
    return customer


def update_customer(
    number: int, details: CustomerDetails, version: int, staff: Staff
) -> list[str]:
    """Save an edit made on the version the staff member saw; a stale one is refused."""
    customer = get_customer(number)
    if customer.version != version:
        raise Conflict(STALE)

    values = _clean_details(details)
    changed = apply_values(customer, values)
    if not changed:
        db.session.rollback()
        return []
    audit.record(
        staff,
        "customer edited",
        customer_number=number,
        details="changed " + ", ".join(FIELD_LABELS[name] for name in changed),
    )
    commit_or_stale()
    return changed


def commit_or_stale() -> None:
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(STALE) from None


def details_of(customer: Customer) -> CustomerDetails:
    return CustomerDetails(
        **{
            field.name: getattr(customer, field.name)
            for field in fields(CustomerDetails)
        }
    )


def recent_audit(number: int, limit: int = 20) -> list[AuditEntry]:
    """The latest changes to one customer, newest first."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .options(selectinload(AuditEntry.staff))
            .where(AuditEntry.customer_number == number)
            .order_by(AuditEntry.id.desc())
            .limit(limit)
        )
    )

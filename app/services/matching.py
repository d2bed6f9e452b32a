"""Suggesting which AIM customer a web account or order belongs to."""

from dataclasses import dataclass

from rapidfuzz import fuzz
from sqlalchemy import or_, select

from app.extensions import db
from app.models import Customer
from app.services.text import fold, phone_digits

MAX_CANDIDATES = 200
MIN_SCORE = 60


@dataclass
class Suggestion:
    customer: Customer
    score: int
    reasons: list[str]


def suggest_customers(
    *,
    first_name: str,
    last_name: str,
    email: str = "",
    phone: str = "",
    postal_code: str = "",
    typed_number: str = "",
    limit: int = 5,
) -> list[Suggestion]:
    """AIM customers who look like this person, best first.

    Candidates come from indexed columns (email, phone, last name, the typed
    number); rapidfuzz then scores how alike the names are, so "Jon Smith"
    still finds "John Smyth" when the phone matches.
    """
    email_key, digits, last = fold(email), phone_digits(phone), fold(last_name)
    conditions = []
    if email_key:
        conditions.append(Customer.email_key == email_key)
    if len(digits) >= 7:
        conditions.append(Customer.phone_digits == digits)
    if last:
        conditions.append(Customer.search_last.startswith(last[:3], autoescape=True))
    # Not isdigit: int() refuses "²", and a longer number is no customer's.
    if typed_number.isdecimal() and len(typed_number) <= 9:
        conditions.append(Customer.number == int(typed_number))
    if not conditions:
        return []

    candidates = db.session.scalars(
        select(Customer).where(or_(*conditions)).limit(MAX_CANDIDATES)
    )
    wanted_name = fold(f"{first_name} {last_name}")
    suggestions = []
    for customer in candidates:
        name_score = fuzz.token_sort_ratio(wanted_name, fold(customer.full_name))
        reasons = [f"name {name_score:.0f}% alike"]
        score = name_score
        if email_key and customer.email_key == email_key:
            reasons.append("same email")
            score += 40
        if len(digits) >= 7 and customer.phone_digits == digits:
            reasons.append("same phone")
            score += 30
        if postal_code and customer.postal_code == postal_code.upper():
            reasons.append("same postal code")
            score += 10
        if typed_number == str(customer.number):
            reasons.append("the number the customer typed")
            score += 30
        if score >= MIN_SCORE:
            suggestions.append(
                Suggestion(customer, min(100, round(score / 2)), reasons)
            )

    suggestions.sort(key=lambda s: (-s.score, s.customer.number))
    return suggestions[:limit]

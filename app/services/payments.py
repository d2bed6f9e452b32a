"""Card payments through a payment gateway, chosen by the PAYMENT_GATEWAY setting.

The development gateway ("test") answers like card processors' test modes:
published test card numbers approve or decline, anything else is declined.
Card numbers live only in memory for the length of one request: orders keep
the brand and last four digits, and no log line ever holds more.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from flask import current_app

from app.services.errors import ServiceError

logger = logging.getLogger(__name__)


@dataclass(frozen=True, repr=False)
class CardDetails:
    """What the customer typed; checked by read_card."""

    number: str
    expiry: str
    cvc: str

    def __repr__(self) -> str:
        return "CardDetails(<hidden>)"


@dataclass(frozen=True, repr=False)
class Card:
    """A card that passed the checks a form can make: digits, Luhn, expiry."""

    number: str
    exp_month: int
    exp_year: int
    cvc: str
    brand: str

    @property
    def last4(self) -> str:
        return self.number[-4:]

    @property
    def summary(self) -> str:
        """The only trace of a card the store keeps: "Visa ending 4242"."""
        return f"{self.brand} ending {self.last4}"

    def __repr__(self) -> str:
        return f"Card({self.summary})"


@dataclass(frozen=True)
class ChargeResult:
    approved: bool
    reference: str
    message: str


class PaymentGateway(Protocol):
    """What checkout needs of a card processor."""

    label: str
    test_mode: bool

    def charge(
        self, amount_cents: int, card: Card, idempotency_key: str
    ) -> ChargeResult:
        """Take the amount; the same key twice is one charge, answered alike."""

    def void(self, reference: str) -> None:
        """Cancel an approved charge whose order could not be written."""


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def card_brand(digits: str) -> str:
    if digits.startswith("4"):
        return "Visa"
    if digits[:2] in {"34", "37"}:
        return "American Express"
    if "51" <= digits[:2] <= "55" or "2221" <= digits[:4] <= "2720":
        return "Mastercard"
    if digits.startswith(("6011", "65")) or "644" <= digits[:3] <= "649":
        return "Discover"
    return "Card"


def _read_expiry(text: str, today: date) -> tuple[int, int]:
    cleaned = text.replace(" ", "")
    month, slash, year = cleaned.partition("/")
    if not slash and len(cleaned) == 4:
        month, year = cleaned[:2], cleaned[2:]
    if not (month.isdigit() and year.isdigit() and len(year) in (2, 4)):
        raise ServiceError("Enter the expiry date as MM/YY.", "card_expiry")
    month_number, year_number = int(month), int(year)
    if len(year) == 2:
        year_number += 2000
    if not 1 <= month_number <= 12 or year_number > today.year + 20:
        raise ServiceError("Enter the expiry date as MM/YY.", "card_expiry")
    if (year_number, month_number) < (today.year, today.month):
        raise ServiceError("This card has expired.", "card_expiry")
    return month_number, year_number


def read_card(details: CardDetails, today: date | None = None) -> Card:
    """Check a typed card as far as a form can, before any processor sees it."""
    digits = "".join(ch for ch in details.number if ch not in " -")
    if not digits.isdigit() or not 12 <= len(digits) <= 19:
        raise ServiceError("Enter the card number: 12 to 19 digits.", "card_number")
    if not _luhn_ok(digits):
        raise ServiceError(
            "This card number is not valid. Check it for a typing mistake.",
            "card_number",
        )
    month, year = _read_expiry(details.expiry, today or date.today())
    brand = card_brand(digits)
    cvc_length = 4 if brand == "American Express" else 3
    if not (details.cvc.isdigit() and len(details.cvc) == cvc_length):
        raise ServiceError(f"Enter the {cvc_length}-digit security code.", "card_cvc")
    return Card(digits, month, year, details.cvc, brand)


class TestGateway:
    """The development gateway: no money moves, test card numbers decide."""

    label = "Test mode"
    test_mode = True

    APPROVED = frozenset(
        {
            "4242424242424242",
            "4000056655665556",
            "5555555555554444",
            "2223003122003222",
            "5200828282828210",
            "378282246310005",
            "6011111111111117",
        }
    )
    DECLINED = {
        "4000000000000002": "Your card was declined.",
        "4000000000009995": "Your card has insufficient funds.",
        "4000000000009987": "Your card was declined.",
        "4000000000000069": "Your card has expired.",
        "4000000000000127": "Your card's security code is incorrect.",
        "4000000000000119": "Your card could not be processed. Try again.",
    }
    NOT_A_TEST_CARD = (
        "Your card was declined: this is the test mode, where only test card "
        "numbers work (for example 4242 4242 4242 4242)."
    )

    def charge(
        self, amount_cents: int, card: Card, idempotency_key: str
    ) -> ChargeResult:
        if amount_cents <= 0:
            raise ValueError("a charge must be for a positive amount")
        digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:24]
        reference = f"test_ch_{digest}"
        if card.number in self.APPROVED:
            logger.info("test charge %s approved", reference)
            return ChargeResult(True, reference, "Approved.")

        message = self.DECLINED.get(card.number, self.NOT_A_TEST_CARD)
        logger.info("test charge declined")
        return ChargeResult(False, "", message)

    def void(self, reference: str) -> None:
        logger.info("test charge %s voided", reference)


GATEWAYS = {"test": TestGateway}


def get_gateway() -> PaymentGateway:
    """The gateway the PAYMENT_GATEWAY setting names."""
    name = current_app.config.get("PAYMENT_GATEWAY", "test")
    try:
        return GATEWAYS[name]()
    except KeyError:
        raise RuntimeError(f"PAYMENT_GATEWAY={name!r} is not a known gateway") from None

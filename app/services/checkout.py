"""Checkout: a cart becomes one web order, paid on pickup or by card.

Prices, tax and totals come from the catalogue at the moment of the order,
never from the form. Stock is taken with a conditional UPDATE in the order's
own transaction, so two customers cannot both buy the last one. The checkout
form's one-time token is unique on the order: the same checkout posted twice
is the same order.
"""

import logging
from collections.abc import MutableMapping
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Order, OrderLine, PaymentMethod, Product, WebAccount
from app.services import accounts, payments
from app.services import cart as cart_service
from app.services.accounts import AccountDetails
from app.services.errors import NotFound, ServiceError
from app.services.payments import CardDetails, PaymentGateway
from app.services.text import clean, fit_columns, normalize_email, normalize_phone

logger = logging.getLogger(__name__)

ALREADY_PLACED = (
    "This checkout was already placed as an order. Sign in to see it in your account."
)
EXPIRED_FORM = "This checkout form is out of date. Check your order and place it again."
MAX_TOKEN = 64

BILLING = (
    ("billing_first_name", "first name", 60),
    ("billing_last_name", "last name", 60),
    ("billing_address", "address", 120),
    ("billing_city", "city", 60),
    ("billing_state", "state", 30),
    ("billing_postal_code", "postal code", 12),
)
SHIPPING = (
    ("shipping_name", "name", 120),
    ("shipping_address", "address", 120),
    ("shipping_city", "city", 60),
    ("shipping_state", "state", 30),
    ("shipping_postal_code", "postal code", 12),
)


@dataclass
class CheckoutDetails:
    """What the checkout form sends, apart from the cart, password and card."""

    billing_first_name: str
    billing_last_name: str
    billing_address: str
    billing_city: str
    billing_state: str
    billing_postal_code: str
    billing_phone: str = ""
    shipping_same: bool = True
    shipping_name: str = ""
    shipping_address: str = ""
    shipping_city: str = ""
    shipping_state: str = ""
    shipping_postal_code: str = ""
    payment_method: str = PaymentMethod.PAY_ON_PICKUP
    email: str = ""


class OutOfStock(ServiceError):
    """Someone bought the last ones between the cart and the order."""


def place_order(
    cart: MutableMapping[str, int],
    details: CheckoutDetails,
    checkout_token: str,
    *,
    customer: WebAccount | None = None,
    password: str = "",
    card: CardDetails | None = None,
    gateway: PaymentGateway | None = None,
) -> Order:
    """Place the cart as one order, for the customer or for a new web account.

    Without a signed-in customer, a web account is created from the billing
    details, the email and the password (the rules of /createaccount.aspx).
    The same checkout token again returns the order it already made. The
    cart is emptied once the order exists.
    """
    if not checkout_token or len(checkout_token) > MAX_TOKEN:
        raise ServiceError(EXPIRED_FORM)

    order = _order_with_token(checkout_token)
    if order is None:
        try:
            return _new_order(
                cart, details, checkout_token, customer, password, card, gateway
            )
        except Exception:
            # A twin request with this token may have placed the order meanwhile;
            # then that order is the answer, whatever stopped this one.
            db.session.rollback()
            order = _twin_order(checkout_token)
            if order is None:
                raise
    _prove_owner(order, customer, details.email, password)
    cart.clear()
    return order


def _new_order(
    cart: MutableMapping[str, int],
    details: CheckoutDetails,
    checkout_token: str,
    customer: WebAccount | None,
    password: str,
    card: CardDetails | None,
    gateway: PaymentGateway | None,
) -> Order:
    """Check everything a form can, then charge, then write: a refusal costs nothing."""
    priced = _priced(cart)
    fields = _address_fields(details)
    account = customer or _new_account(details, fields, password)
    method, payment_card = _payment(details.payment_method, card)

    gateway = gateway or payments.get_gateway()
    charge = _charge(gateway, payment_card, priced.total_cents, checkout_token)
    try:
        order = _write_order(account, checkout_token, priced, fields, method, charge)
    except Exception as error:
        db.session.rollback()
        _void_unless_twin(checkout_token, gateway, charge)
        if customer is None and isinstance(error, IntegrityError):
            _refuse_taken_email(details.email)
        raise

    cart.clear()
    if customer is None:
        logger.info("web account %s created at checkout", account.id)
    logger.info(
        "web order %s placed by web account %s: %s items, total %s cents, %s (%s)",
        order.id,
        account.id,
        priced.item_count,
        order.total_cents,
        order.payment_method,
        order.payment_status,
    )
    return order


def _order_with_token(checkout_token: str) -> Order | None:
    return db.session.scalar(
        select(Order).where(Order.checkout_token == checkout_token)
    )


def _twin_order(checkout_token: str) -> Order | None:
    try:
        return _order_with_token(checkout_token)
    except SQLAlchemyError:
        db.session.rollback()
        return None


def _prove_owner(
    order: Order, customer: WebAccount | None, email: str, password: str
) -> None:
    """A checkout posted again shows its order only to whoever proves it is theirs.

    A guest's repeat carries the email and password it just chose, which sign
    in to the account the first post created; anything else is told to sign in.
    """
    if customer is None:
        try:
            customer = accounts.authenticate_customer(email, password)
        except ServiceError:
            raise ServiceError(ALREADY_PLACED) from None
    if customer.id != order.web_account_id:
        raise ServiceError(ALREADY_PLACED)


def _priced(cart: MutableMapping[str, int]) -> cart_service.PricedCart:
    priced = cart_service.price_cart(cart)
    if not priced.lines:
        raise ServiceError("Your cart is empty. Add something from the shop first.")
    if priced.problems:
        raise ServiceError(
            " ".join(priced.problems) + " Change the quantity in your cart."
        )
    return priced


def _address_fields(details: CheckoutDetails) -> dict[str, str]:
    """Billing and shipping, trimmed and required; shipping may copy billing."""
    fields = {
        name: _required(details, name, label, size) for name, label, size in BILLING
    }
    fields["billing_postal_code"] = fields["billing_postal_code"].upper()
    fields["billing_phone"] = normalize_phone(details.billing_phone, "billing_phone")
    if details.shipping_same:
        first, last = fields["billing_first_name"], fields["billing_last_name"]
        fields["shipping_name"] = f"{first} {last}"
        for name, _label, _size in SHIPPING[1:]:
            fields[name] = fields[name.replace("shipping_", "billing_")]
        fit_columns(fields, Order)
        return fields

    for name, label, size in SHIPPING:
        fields[name] = _required(details, name, label, size)
    fields["shipping_postal_code"] = fields["shipping_postal_code"].upper()
    fit_columns(fields, Order)
    return fields


def _required(details: CheckoutDetails, name: str, label: str, size: int) -> str:
    value = clean(getattr(details, name))
    if not value:
        raise ServiceError(f"Enter the {label}.", name)
    if len(value) > size:
        raise ServiceError(f"Use at most {size} characters.", name)
    return value


def _new_account(details: CheckoutDetails, fields: dict, password: str) -> WebAccount:
    """The web account a guest's order creates, from its billing details."""
    return accounts.new_account(
        AccountDetails(
            first_name=fields["billing_first_name"],
            last_name=fields["billing_last_name"],
            email=details.email,
            phone=fields["billing_phone"],
            address=fields["billing_address"],
            city=fields["billing_city"],
            state=fields["billing_state"],
            postal_code=fields["billing_postal_code"],
        ),
        password,
    )


def _payment(
    method: str, card: CardDetails | None
) -> tuple[PaymentMethod, payments.Card | None]:
    if method == PaymentMethod.PAY_ON_PICKUP:
        return PaymentMethod.PAY_ON_PICKUP, None
    if method != PaymentMethod.CARD:
        raise ServiceError("Choose how you will pay.", "payment_method")
    if card is None:
        raise ServiceError("Enter the card number.", "card_number")
    return PaymentMethod.CARD, payments.read_card(card)


@dataclass(frozen=True)
class Charge:
    """An approved card charge, as the order records it."""

    reference: str
    card_summary: str


def _charge(
    gateway: PaymentGateway,
    card: payments.Card | None,
    amount_cents: int,
    checkout_token: str,
) -> Charge | None:
    """Charge the card before anything is written; a decline writes nothing."""
    if card is None:
        return None
    result = gateway.charge(amount_cents, card, checkout_token)
    if not result.approved:
        logger.info("card payment declined at checkout; no order written")
        raise ServiceError(
            f"{result.message} Nothing was charged and no order was placed.",
            "card_number",
        )
    return Charge(result.reference, card.summary)


def _write_order(
    account: WebAccount,
    checkout_token: str,
    priced: cart_service.PricedCart,
    fields: dict[str, str],
    method: PaymentMethod,
    charge: Charge | None,
) -> Order:
    """The order, its lines and the stock they take, in one transaction."""
    if account.id is None:
        db.session.add(account)
        db.session.flush()
    order = Order(
        web_account_id=account.id,
        checkout_token=checkout_token,
        email=account.email,
        subtotal_cents=priced.subtotal_cents,
        tax_cents=priced.tax_cents,
        total_cents=priced.total_cents,
        payment_method=method,
        payment_status="paid" if charge else "due",
        payment_reference=charge.reference if charge else "",
        card_summary=charge.card_summary if charge else "",
        lines=[
            OrderLine(
                product_id=line.product.id,
                sku=line.product.sku,
                name=line.product.name,
                quantity=line.quantity,
                unit_price_cents=line.unit_price_cents,
                line_total_cents=line.line_total_cents,
            )
            for line in priced.lines
        ],
        **fields,
    )
    db.session.add(order)
    db.session.flush()

    # Lowest id first, so two checkouts sharing products never deadlock.
    for line in sorted(priced.lines, key=lambda line: line.product.id):
        _take_stock(line.product, line.quantity)
    db.session.commit()
    return order


def _take_stock(product: Product, quantity: int) -> None:
    """Take stock only if enough is left: the database decides, not a read."""
    table = Product.__table__
    taken = db.session.execute(
        update(table)
        .where(
            table.c.id == product.id,
            table.c.active.is_(True),
            table.c.stock >= quantity,
        )
        .values(stock=table.c.stock - quantity)
    )
    if taken.rowcount != 1:
        raise OutOfStock(
            f"Sorry, {product.name} sold out while you were checking out; "
            "nothing was charged. Change your cart and try again."
        )


def _void_unless_twin(
    checkout_token: str, gateway: PaymentGateway, charge: Charge | None
) -> None:
    """Void the charge of an order that was not written, unless a twin made it.

    A twin request (the same token) charged with the same idempotency key, so
    the charge belongs to the twin's order and must stay.
    """
    if charge is None or _twin_order(checkout_token) is not None:
        return
    gateway.void(charge.reference)
    logger.info("card charge %s voided: the order was not written", charge.reference)


def _refuse_taken_email(email: str) -> None:
    """A new account's email taken by another request between check and commit."""
    _, email_key = normalize_email(email)
    if accounts.find_account_by_email(email_key) is not None:
        raise ServiceError(accounts.EMAIL_TAKEN, "email")


def list_account_orders(account: WebAccount, limit: int = 50) -> list[Order]:
    """A customer's own orders, newest first, for /account."""
    return list(
        db.session.scalars(
            select(Order)
            .options(selectinload(Order.lines))
            .where(Order.web_account_id == account.id)
            .order_by(Order.created_at.desc(), Order.id.desc())
            .limit(limit)
        )
    )


def get_account_order(account: WebAccount, order_id: int) -> Order:
    """One of the customer's own orders; anyone else's is not found."""
    order = db.session.get(Order, order_id)
    if order is None or order.web_account_id != account.id:
        raise NotFound("There is no such order.")
    return order

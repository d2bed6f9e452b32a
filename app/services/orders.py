"""AIM's Import e-commerce orders: lock a web order, match its customer, import it.

The lock is a value on the order row, taken with a conditional UPDATE, so it
holds across workers and servers. Importing writes AIM first (the sale, whose
web order number is unique) and then marks the order imported on the
Storefront; run again after a failure in between, it finds the sale and only
finishes the marking.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import or_, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Customer, Order, OrderImport, Sale, SaleLine, Staff
from app.models.types import utcnow
from app.services import audit, linking
from app.services.customers import (
    CustomerDetails,
    create_customer,
    search_customers,
)
from app.services.errors import Conflict, NotFound, ServiceError
from app.services.matching import suggest_customers

logger = logging.getLogger(__name__)

FILTERS = ("new", "locked", "imported", "all")


def store_timezone() -> ZoneInfo:
    return ZoneInfo(current_app.config["STORE_TIMEZONE"])


def lock_minutes() -> int:
    return current_app.config["ORDER_LOCK_MINUTES"]


def lock_is_live(order: Order, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return (
        order.import_status == OrderImport.NEW
        and order.locked_by_id is not None
        and order.lock_expires_at is not None
        and order.lock_expires_at > now
    )


def holds_lock(order: Order, staff: Staff) -> bool:
    return lock_is_live(order) and order.locked_by_id == staff.id


def import_queue(status: str = "new", page: int = 1, per_page: int = 20):
    """Web orders newest first: new (unlocked or lock expired), locked, imported."""
    now = utcnow()
    query = select(Order).order_by(Order.created_at.desc(), Order.id.desc())
    live_lock = (Order.locked_by_id.is_not(None)) & (Order.lock_expires_at > now)
    if status == "new":
        query = query.where(Order.import_status == OrderImport.NEW, ~live_lock)
    elif status == "locked":
        query = query.where(Order.import_status == OrderImport.NEW, live_lock)
    elif status == "imported":
        query = query.where(Order.import_status == OrderImport.IMPORTED)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def get_order(order_id: int) -> Order:
    order = db.session.get(Order, order_id)
    if order is None:
        raise NotFound("There is no web order with that number.")
    return order


def chosen_customer(order: Order) -> Customer | None:
    """The AIM customer the order will go to: the one chosen, or the linked one."""
    if order.aim_customer_number is not None:
        return db.session.get(Customer, order.aim_customer_number)
    return db.session.scalar(
        select(Customer).where(Customer.active_e_id == order.web_account_id)
    )


def lock_order(order_id: int, staff: Staff) -> Order:
    """Lock: take the order for this workstation; a manager may take it over."""
    now = utcnow()
    table = Order.__table__
    takeover = staff.has_role("aim_manager")
    free = or_(
        table.c.locked_by_id.is_(None),
        table.c.lock_expires_at <= now,
        table.c.locked_by_id == staff.id,
    )
    result = db.session.execute(
        update(table)
        .where(
            table.c.id == order_id,
            table.c.import_status == OrderImport.NEW,
            true() if takeover else free,
        )
        .values(
            locked_by_id=staff.id,
            locked_by=staff.username,
            locked_at=now,
            lock_expires_at=now + timedelta(minutes=lock_minutes()),
        )
    )
    db.session.commit()

    order = get_order(order_id)
    if result.rowcount != 1:
        if order.import_status == OrderImport.IMPORTED:
            raise Conflict(f"Web order {order_id} is already imported.")
        if order.locked_at is None:
            raise Conflict(f"Web order {order_id} was just unlocked; press Lock again.")
        since = order.locked_at.astimezone(store_timezone())
        raise Conflict(
            f"Web order {order_id} is locked by {order.locked_by} since "
            f"{since:%-I:%M %p %Z}."
        )
    logger.info("web order %s locked by %s", order_id, staff.username)
    return order


def unlock_order(order_id: int, staff: Staff) -> None:
    """Unlock: only the lock's holder, or a manager."""
    order = get_order(order_id)
    if order.import_status == OrderImport.IMPORTED:
        raise Conflict(f"Web order {order_id} is already imported.")
    if not lock_is_live(order):
        raise Conflict(f"Web order {order_id} is not locked.")
    if order.locked_by_id != staff.id and not staff.has_role("aim_manager"):
        raise Conflict(
            f"Only {order.locked_by} or a manager can unlock web order {order_id}."
        )
    table = Order.__table__
    result = db.session.execute(
        update(table)
        .where(table.c.id == order_id, table.c.locked_by_id == order.locked_by_id)
        .values(locked_by_id=None, locked_by="", locked_at=None, lock_expires_at=None)
    )
    db.session.commit()
    if result.rowcount != 1:
        raise Conflict(f"Web order {order_id} changed hands meanwhile; look again.")
    logger.info("web order %s unlocked by %s", order_id, staff.username)


def _locked_for(order_id: int, staff: Staff) -> Order:
    """The order, refreshed, if this staff member holds a live lock on it."""
    order = get_order(order_id)
    db.session.refresh(order)
    if order.import_status == OrderImport.IMPORTED:
        raise Conflict(f"Web order {order_id} is already imported.")
    if not holds_lock(order, staff):
        if lock_is_live(order):
            raise Conflict(
                f"Web order {order_id} is locked by {order.locked_by}; only they "
                "can act on it."
            )
        raise Conflict(f"Lock web order {order_id} first (your lock may have expired).")
    return order


def _set_order_customer(order_id: int, customer_number: int | None) -> None:
    table = Order.__table__
    db.session.execute(
        update(table)
        .where(table.c.id == order_id)
        .values(aim_customer_number=customer_number)
    )
    db.session.commit()


def choose_customer(order_id: int, customer_number: int, staff: Staff) -> Customer:
    """Find Cust: the order goes to this AIM customer, linked to its web account."""
    order = _locked_for(order_id, staff)
    _refuse_if_in_aim(order)
    customer = linking.link_web_account(order.web_account_id, customer_number, staff)
    _set_order_customer(order_id, customer_number)
    return customer


def _refuse_if_in_aim(order: Order) -> None:
    """An interrupted Create Order already made the sale: only finishing it is left."""
    sale = db.session.scalar(select(Sale).where(Sale.web_order_number == order.id))
    if sale is not None:
        raise Conflict(
            f"Web order {order.id} is already in AIM as sale {sale.id} for "
            f"#{sale.customer_number}: press Create Order to finish."
        )


def likely_customers(order: Order) -> list:
    """AIM customers who look like the order's buyer: a new one may be a duplicate."""
    return suggest_customers(
        first_name=order.billing_first_name,
        last_name=order.billing_last_name,
        email=order.email,
        phone=order.billing_phone,
        postal_code=order.billing_postal_code,
    )


def new_customer_details(order: Order) -> CustomerDetails:
    """Create Cust's form, pre-filled from the order's billing details."""
    return CustomerDetails(
        first_name=order.billing_first_name,
        last_name=order.billing_last_name,
        address=order.billing_address,
        city=order.billing_city,
        state=order.billing_state,
        postal_code=order.billing_postal_code,
        phone=order.billing_phone,
        email=order.email,
    )


@dataclass
class OrderCustomer:
    customer: Customer
    created: bool


def create_customer_for_order(
    order_id: int, details: CustomerDetails, staff: Staff
) -> OrderCustomer:
    """Create Cust: a new AIM customer with the order's Active-e ID applied.

    If an AIM customer already holds the Active-e ID (linked earlier, or made
    by an interrupted attempt), that one is chosen and `created` is False: a
    retry never makes a second customer.
    """
    order = _locked_for(order_id, staff)
    _refuse_if_in_aim(order)
    web_id = order.web_account_id
    customer = db.session.scalar(select(Customer).where(Customer.active_e_id == web_id))
    created = customer is None
    if created:
        try:
            customer = create_customer(details, staff, active_e_id=web_id)
        except IntegrityError:
            db.session.rollback()
            raise Conflict(
                "This web account was linked to an AIM customer a moment ago."
            ) from None
    number = customer.number
    linking.link_web_account(web_id, number, staff)
    _set_order_customer(order_id, number)
    return OrderCustomer(customer=customer, created=created)


@dataclass
class ImportResult:
    sale: Sale
    order: Order


def import_order(order_id: int, staff: Staff) -> ImportResult:
    """Create Order: the web order becomes an AIM sale, once, and is marked imported."""
    order = _locked_for(order_id, staff)
    customer = chosen_customer(order)
    if customer is None:
        raise ServiceError("Choose the AIM customer first: Find Cust or Create Cust.")
    if customer.active_e_id != order.web_account_id:
        # Unlinked since it was chosen (a manager's Unlink): never undo that here.
        _set_order_customer(order_id, None)
        raise Conflict(
            f"AIM #{customer.number} is no longer linked to this order's web "
            "account. Choose the customer again."
        )

    sale = _sale_for(order, customer, staff)
    # An earlier, interrupted attempt's sale decides the customer it went to.
    sale_id, customer_number = sale.id, sale.customer_number
    # End that AIM read before the Storefront: on SQLite, holding AIM's lock
    # while taking the Storefront's is the order that deadlocks (database.py).
    db.session.commit()
    _mark_imported(order_id, sale_id, customer_number, staff)
    db.session.refresh(order)
    return ImportResult(sale=sale, order=order)


def _sale_for(order: Order, customer: Customer, staff: Staff) -> Sale:
    """This web order's AIM sale: the one an earlier attempt made, or a new one."""
    existing = db.session.scalar(select(Sale).where(Sale.web_order_number == order.id))
    if existing is not None:
        return existing

    sale = Sale(
        customer_number=customer.number,
        web_order_number=order.id,
        subtotal_cents=order.subtotal_cents,
        tax_cents=order.tax_cents,
        total_cents=order.total_cents,
        payment=_payment_label(order),
        staff_id=staff.id,
        lines=[
            SaleLine(
                sku=line.sku,
                description=line.name,
                quantity=line.quantity,
                unit_price_cents=line.unit_price_cents,
                line_total_cents=line.line_total_cents,
            )
            for line in order.lines
        ],
    )
    db.session.add(sale)
    try:
        db.session.flush()
        audit.record(
            staff,
            "web order imported",
            customer_number=customer.number,
            web_account_id=order.web_account_id,
            details=f"web order {order.id} as sale {sale.id}, "
            f"total {order.total_cents / 100:.2f}",
        )
        db.session.commit()
    except IntegrityError:
        # Another workstation imported it between our check and our commit.
        db.session.rollback()
        return db.session.scalar(select(Sale).where(Sale.web_order_number == order.id))
    return sale


def _payment_label(order: Order) -> str:
    if order.payment_method == "card":
        # The development gateway's references start "test_": no money moved.
        mode = ", TEST MODE" if order.payment_reference.startswith("test_") else ""
        card = order.card_summary or "card"
        return f"Paid online ({card}{mode}) {order.payment_reference}"
    return "Pay on pickup / invoice"


def _mark_imported(order_id: int, sale_id: int, customer_number: int, staff: Staff):
    table = Order.__table__
    db.session.execute(
        update(table)
        .where(table.c.id == order_id, table.c.import_status == OrderImport.NEW)
        .values(
            import_status=OrderImport.IMPORTED,
            aim_sale_id=sale_id,
            aim_customer_number=customer_number,
            imported_at=utcnow(),
            imported_by=staff.username,
            locked_by_id=None,
            locked_by="",
            locked_at=None,
            lock_expires_at=None,
        )
    )
    db.session.commit()
    logger.info(
        "web order %s imported as AIM sale %s for #%s by %s",
        order_id,
        sale_id,
        customer_number,
        staff.username,
    )


def sales_of(customer_number: int) -> list[Sale]:
    return list(
        db.session.scalars(
            select(Sale)
            .options(selectinload(Sale.lines))
            .where(Sale.customer_number == customer_number)
            .order_by(Sale.created_at.desc(), Sale.id.desc())
        )
    )


@dataclass
class ImportScreen:
    """Everything the Import e-commerce orders screen shows at once."""

    queue: object
    status: str
    selected: Order | None = None
    customer: Customer | None = None
    locked_live: bool = False
    mine: bool = False
    matches: object = None
    suggestions: list | None = None
    now: datetime = field(default_factory=utcnow)


def import_screen(
    status: str, page: int, order_id: int | None, find_text: str | None, staff: Staff
) -> ImportScreen:
    if status not in FILTERS:
        status = "new"
    screen = ImportScreen(queue=import_queue(status, page), status=status)
    if order_id is None:
        return screen

    order = screen.selected = get_order(order_id)
    screen.customer = chosen_customer(order)
    screen.locked_live = lock_is_live(order)
    screen.mine = holds_lock(order, staff)
    if order.import_status == OrderImport.IMPORTED or screen.customer is not None:
        return screen
    if find_text is not None:
        screen.matches = search_customers(find_text, per_page=10)
    else:
        screen.suggestions = suggest_customers(
            first_name=order.billing_first_name,
            last_name=order.billing_last_name,
            email=order.email,
            phone=order.billing_phone,
            postal_code=order.billing_postal_code,
        )
    return screen

"""AIM's import of web orders: the lock, the customer, the sale, and retries."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEntry, Customer, LinkRequest, Order, Sale
from app.models.types import utcnow
from app.services import orders
from app.services.customers import CustomerDetails
from app.services.errors import Conflict, ServiceError


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def clerk(make_staff):
    return make_staff("aim_clerk", username="clerk1")


@pytest.fixture
def other_clerk(make_staff):
    return make_staff("aim_clerk", username="clerk2")


def expire_lock(order: Order) -> None:
    order.lock_expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


def test_lock_records_who_and_when_and_expires(make_order, clerk, app):
    order = make_order()

    orders.lock_order(order.id, clerk)

    db.session.refresh(order)
    assert order.locked_by == "clerk1"
    assert order.locked_by_id == clerk.id
    minutes = app.config.get("ORDER_LOCK_MINUTES", 15)
    assert order.lock_expires_at - order.locked_at == timedelta(minutes=minutes)
    assert orders.holds_lock(order, clerk)


def test_second_clerk_cannot_lock_a_held_order(make_order, clerk, other_clerk):
    order = make_order()
    orders.lock_order(order.id, clerk)

    with pytest.raises(Conflict, match="locked by clerk1"):
        orders.lock_order(order.id, other_clerk)

    db.session.refresh(order)
    assert order.locked_by_id == clerk.id


def test_expired_lock_can_be_taken_and_the_old_holder_cannot_import(
    make_order, make_customer, clerk, other_clerk
):
    order = make_order()
    orders.lock_order(order.id, clerk)
    orders.create_customer_for_order(
        order.id, orders.new_customer_details(order), clerk
    )
    expire_lock(order)

    orders.lock_order(order.id, other_clerk)

    with pytest.raises(Conflict, match="locked by clerk2"):
        orders.import_order(order.id, clerk)
    assert count(Sale) == 0


def test_holder_whose_lock_expired_cannot_import(make_order, clerk):
    order = make_order()
    orders.lock_order(order.id, clerk)
    orders.create_customer_for_order(
        order.id, orders.new_customer_details(order), clerk
    )
    expire_lock(order)

    with pytest.raises(Conflict, match="Lock web order"):
        orders.import_order(order.id, clerk)
    assert count(Sale) == 0


def test_only_holder_or_manager_unlocks(make_order, clerk, other_clerk, make_staff):
    order = make_order()
    orders.lock_order(order.id, clerk)

    with pytest.raises(Conflict, match="Only clerk1 or a manager"):
        orders.unlock_order(order.id, other_clerk)

    orders.unlock_order(order.id, make_staff("aim_manager"))
    db.session.refresh(order)
    assert order.locked_by_id is None


def test_manager_may_take_over_a_live_lock(make_order, clerk, make_staff):
    order = make_order()
    manager = make_staff("aim_manager", username="boss")
    orders.lock_order(order.id, clerk)

    orders.lock_order(order.id, manager)

    db.session.refresh(order)
    assert order.locked_by == "boss"


def test_acting_without_the_lock_is_refused(make_order, make_customer, clerk):
    order = make_order()
    customer = make_customer()

    with pytest.raises(Conflict):
        orders.choose_customer(order.id, customer.number, clerk)
    with pytest.raises(Conflict):
        orders.import_order(order.id, clerk)
    assert customer.active_e_id is None


def test_linked_account_arrives_with_its_customer_chosen(
    make_account, make_customer, make_order, clerk
):
    account = make_account()
    customer = make_customer(active_e_id=account.id)
    order = make_order(account)

    screen = orders.import_screen("new", 1, order.id, None, clerk)

    assert screen.customer.number == customer.number


def test_create_cust_makes_a_linked_customer_from_the_order(make_order, clerk):
    order = make_order()
    orders.lock_order(order.id, clerk)

    result = orders.create_customer_for_order(
        order.id, orders.new_customer_details(order), clerk
    )
    customer = result.customer
    assert result.created

    assert customer.number == 201
    assert customer.active_e_id == order.web_account_id
    assert customer.last_name == order.billing_last_name
    db.session.refresh(order)
    assert order.aim_customer_number == 201
    assert order.web_account.aim_customer_number == 201


def test_create_cust_twice_makes_one_customer(make_order, clerk):
    order = make_order()
    orders.lock_order(order.id, clerk)
    details = orders.new_customer_details(order)

    first = orders.create_customer_for_order(order.id, details, clerk)
    second = orders.create_customer_for_order(order.id, details, clerk)

    assert first.customer.number == second.customer.number
    assert (first.created, second.created) == (True, False)
    assert count(Customer) == 1


def test_create_cust_with_bad_details_writes_nothing(make_order, clerk):
    order = make_order()
    orders.lock_order(order.id, clerk)
    details = CustomerDetails(first_name="Pat", last_name="", email="not-an-email")

    with pytest.raises(ServiceError) as raised:
        orders.create_customer_for_order(order.id, details, clerk)

    assert raised.value.field == "last_name"
    assert count(Customer) == 0


def test_find_cust_applies_the_active_e_id_and_closes_an_open_request(
    make_order, make_customer, make_request, clerk
):
    order = make_order()
    make_request(order.web_account, "")
    customer = make_customer()
    orders.lock_order(order.id, clerk)

    orders.choose_customer(order.id, customer.number, clerk)

    assert customer.active_e_id == order.web_account_id
    assert order.web_account.aim_customer_number == customer.number
    request = db.session.scalar(select(LinkRequest))
    assert request.status == "linked"
    assert request.claimed_customer_number == customer.number


def test_find_cust_refuses_a_customer_linked_elsewhere(
    make_order, make_customer, make_account, clerk
):
    order = make_order()
    customer = make_customer(active_e_id=make_account().id)
    orders.lock_order(order.id, clerk)

    with pytest.raises(Conflict, match="already linked"):
        orders.choose_customer(order.id, customer.number, clerk)

    db.session.refresh(order)
    assert order.aim_customer_number is None


def test_create_order_without_a_customer_is_refused(make_order, clerk):
    order = make_order()
    orders.lock_order(order.id, clerk)

    with pytest.raises(ServiceError, match="Choose the AIM customer"):
        orders.import_order(order.id, clerk)


def test_create_order_makes_one_sale_and_releases_the_lock(
    make_order, make_customer, clerk
):
    order = make_order()
    customer = make_customer()
    orders.lock_order(order.id, clerk)
    orders.choose_customer(order.id, customer.number, clerk)

    result = orders.import_order(order.id, clerk)

    sale = result.sale
    assert sale.customer_number == customer.number
    assert sale.web_order_number == order.id
    assert (sale.subtotal_cents, sale.tax_cents, sale.total_cents) == (1798, 130, 1928)
    lines = [(line.sku, line.quantity, line.unit_price_cents) for line in sale.lines]
    assert lines == [(order.lines[0].sku, 2, 899)]
    db.session.refresh(order)
    assert order.import_status == "imported"
    assert order.aim_sale_id == sale.id
    assert order.locked_by_id is None
    assert count(AuditEntry, AuditEntry.action == "web order imported") == 1
    assert [s.id for s in orders.sales_of(customer.number)] == [sale.id]


def test_import_interrupted_between_databases_finishes_on_retry(
    make_order, make_customer, clerk, monkeypatch
):
    order = make_order()
    customer = make_customer()
    orders.lock_order(order.id, clerk)
    orders.choose_customer(order.id, customer.number, clerk)

    def fail(*args, **kwargs):
        raise RuntimeError("the storefront database went away")

    with monkeypatch.context() as patch:
        patch.setattr(orders, "_mark_imported", fail)
        with pytest.raises(RuntimeError):
            orders.import_order(order.id, clerk)
    db.session.rollback()
    assert count(Sale) == 1
    db.session.refresh(order)
    assert order.import_status == "new"

    orders.import_order(order.id, clerk)

    assert count(Sale) == 1
    assert count(AuditEntry, AuditEntry.action == "web order imported") == 1
    db.session.refresh(order)
    assert order.import_status == "imported"


def test_an_imported_order_cannot_be_locked_or_imported_again(
    make_order, make_customer, clerk
):
    order = make_order()
    customer = make_customer()
    orders.lock_order(order.id, clerk)
    orders.choose_customer(order.id, customer.number, clerk)
    orders.import_order(order.id, clerk)

    with pytest.raises(Conflict, match="already imported"):
        orders.lock_order(order.id, clerk)
    with pytest.raises(Conflict, match="already imported"):
        orders.import_order(order.id, clerk)
    assert count(Sale) == 1


@pytest.mark.parametrize(
    ("status", "expected"),
    [("new", ["free", "expired"]), ("locked", ["held"]), ("imported", ["done"])],
)
def test_queue_filters(make_order, make_customer, clerk, status, expected):
    free = make_order(email="free@example.com")
    held = make_order(email="held@example.com")
    expired = make_order(email="expired@example.com")
    done = make_order(email="done@example.com")
    orders.lock_order(held.id, clerk)
    orders.lock_order(expired.id, clerk)
    expire_lock(expired)
    orders.lock_order(done.id, clerk)
    orders.choose_customer(done.id, make_customer().number, clerk)
    orders.import_order(done.id, clerk)
    names = {free.id: "free", held.id: "held", expired.id: "expired", done.id: "done"}

    page = orders.import_queue(status)

    assert sorted(names[order.id] for order in page.items) == sorted(expected)


def test_queue_is_newest_first(make_order):
    older = make_order(created_at=utcnow() - timedelta(days=1))
    newer = make_order()

    assert [o.id for o in orders.import_queue("all").items] == [newer.id, older.id]


def test_a_card_order_imports_with_its_payment_noted(make_order, make_customer, clerk):
    order = make_order(
        payment_method="card",
        payment_status="paid",
        card_summary="Mastercard ending 4444",
        payment_reference="test_ch_" + "f" * 24,
    )
    orders.lock_order(order.id, clerk)
    orders.choose_customer(order.id, make_customer().number, clerk)

    sale = orders.import_order(order.id, clerk).sale

    assert sale.payment == (
        "Paid online (Mastercard ending 4444, TEST MODE) test_ch_" + "f" * 24
    )


def test_create_order_after_a_managers_unlink_is_refused_not_relinked(
    make_order, make_customer, make_staff, clerk
):
    from app.services import linking

    order = make_order()
    customer = make_customer()
    orders.lock_order(order.id, clerk)
    orders.choose_customer(order.id, customer.number, clerk)
    linking.unlink_customer(customer.number, make_staff("aim_manager"))

    with pytest.raises(Conflict, match="no longer linked"):
        orders.import_order(order.id, clerk)

    db.session.refresh(customer)
    assert customer.active_e_id is None
    assert count(Sale) == 0
    db.session.refresh(order)
    assert order.aim_customer_number is None


def test_after_an_interrupted_import_the_sale_decides_the_customer(
    make_order, make_customer, clerk, monkeypatch
):
    order = make_order()
    first = make_customer()
    orders.lock_order(order.id, clerk)
    orders.choose_customer(order.id, first.number, clerk)
    with monkeypatch.context() as patch:
        patch.setattr(orders, "_mark_imported", _fail)
        with pytest.raises(RuntimeError):
            orders.import_order(order.id, clerk)
    db.session.rollback()

    with pytest.raises(Conflict, match="already in AIM as sale"):
        orders.choose_customer(order.id, make_customer().number, clerk)
    with pytest.raises(Conflict, match="already in AIM as sale"):
        orders.create_customer_for_order(
            order.id, orders.new_customer_details(order), clerk
        )
    result = orders.import_order(order.id, clerk)

    assert result.sale.customer_number == first.number
    assert result.order.aim_customer_number == first.number


def _fail(*args, **kwargs):
    raise RuntimeError("the storefront database went away")

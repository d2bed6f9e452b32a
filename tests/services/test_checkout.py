"""Checkout: one order per checkout, server prices, stock that never goes below 0."""

import threading

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Order, Product, WebAccount
from app.services import checkout, passwords, payments
from app.services.checkout import ALREADY_PLACED, CheckoutDetails
from app.services.errors import NotFound, ServiceError
from app.services.payments import CardDetails
from tests.conftest import PASSWORD
from tests.helpers import snapshot

GOOD_CARD = CardDetails("4242 4242 4242 4242", "12/40", "123")
DECLINED_CARD = CardDetails("4000 0000 0000 0002", "12/40", "123")
NEW_PASSWORD = "a tune on the river"


class RecordingGateway(payments.TestGateway):
    """The test-mode gateway, remembering what it was asked to do."""

    def __init__(self):
        self.charges = []
        self.voids = []

    def charge(self, amount_cents, card, idempotency_key):
        self.charges.append((amount_cents, idempotency_key))
        return super().charge(amount_cents, card, idempotency_key)

    def void(self, reference):
        self.voids.append(reference)


def details(**values) -> CheckoutDetails:
    fields = {
        "billing_first_name": "Ana",
        "billing_last_name": "Buyer",
        "billing_phone": "217 555 0199",
        "billing_address": "5 Elm St",
        "billing_city": "Springfield",
        "billing_state": "IL",
        "billing_postal_code": "62701",
        "shipping_same": True,
        "payment_method": "pay_on_pickup",
    }
    fields.update(values)
    return CheckoutDetails(**fields)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def trumpet(make_product):
    return make_product(sku="YTR-2330", name="Student Trumpet", price_cents=109_999)


@pytest.fixture
def reeds(make_product):
    return make_product(sku="RICO-25", name="Reeds", price_cents=24_99, stock=40)


@pytest.fixture
def gateway():
    return RecordingGateway()


def test_a_customer_order_is_priced_from_the_catalogue(
    make_account, trumpet, reeds, gateway, caplog
):
    caplog.set_level("INFO", logger="app.services.checkout")
    customer = make_account()
    cart = {str(trumpet.id): 1, str(reeds.id): 3}

    order = checkout.place_order(
        cart, details(), "token-1", customer=customer, gateway=gateway
    )

    assert order.web_account_id == customer.id
    assert order.email == customer.email
    assert [
        (line.sku, line.quantity, line.unit_price_cents) for line in order.lines
    ] == [
        ("YTR-2330", 1, 109_999),
        ("RICO-25", 3, 24_99),
    ]
    assert order.subtotal_cents == 109_999 + 3 * 24_99
    assert order.tax_cents == (order.subtotal_cents * 725 + 5000) // 10000
    assert order.total_cents == order.subtotal_cents + order.tax_cents
    assert (order.payment_method, order.payment_status) == ("pay_on_pickup", "due")
    assert gateway.charges == []
    assert (trumpet.stock, reeds.stock) == (4, 37)
    assert cart == {}
    assert f"web order {order.id} placed by web account {customer.id}" in caplog.text


def test_billing_is_copied_to_shipping_or_shipping_is_its_own(make_account, trumpet):
    customer = make_account()

    same = checkout.place_order(
        {str(trumpet.id): 1}, details(), "token-same", customer=customer
    )
    other = checkout.place_order(
        {str(trumpet.id): 1},
        details(
            shipping_same=False,
            shipping_name="Grandma Buyer",
            shipping_address="9 Oak Ave",
            shipping_city="Peoria",
            shipping_state="IL",
            shipping_postal_code="61602",
        ),
        "token-other",
        customer=customer,
    )

    assert (same.shipping_name, same.shipping_address) == ("Ana Buyer", "5 Elm St")
    assert (same.billing_phone, same.shipping_postal_code) == (
        "(217) 555-0199",
        "62701",
    )
    assert (other.shipping_name, other.shipping_city) == ("Grandma Buyer", "Peoria")
    assert other.billing_city == "Springfield"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"billing_address": "  "}, "billing_address"),
        ({"billing_first_name": ""}, "billing_first_name"),
        ({"billing_postal_code": "1" * 13}, "billing_postal_code"),
        ({"billing_phone": "12"}, "billing_phone"),
        ({"shipping_same": False, "shipping_name": "X"}, "shipping_address"),
        ({"payment_method": "free"}, "payment_method"),
    ],
)
def test_missing_or_wrong_details_are_field_errors(
    make_account, trumpet, values, field
):
    customer = make_account()
    before = snapshot()

    with pytest.raises(ServiceError) as refused:
        checkout.place_order(
            {str(trumpet.id): 1}, details(**values), "token-1", customer=customer
        )

    assert refused.value.field == field
    assert snapshot() == before


def test_a_guest_checkout_creates_the_web_account(trumpet, gateway):
    order = checkout.place_order(
        {str(trumpet.id): 1},
        details(email="  Ana.Buyer@Example.COM "),
        "token-1",
        password=NEW_PASSWORD,
        gateway=gateway,
    )

    account = db.session.get(WebAccount, order.web_account_id)
    assert account.email_key == "ana.buyer@example.com"
    assert (account.first_name, account.last_name) == ("Ana", "Buyer")
    assert (account.address, account.postal_code) == ("5 Elm St", "62701")
    assert passwords.verify_password(account.password_hash, NEW_PASSWORD)
    assert NEW_PASSWORD not in account.password_hash
    assert order.email == account.email


@pytest.mark.parametrize("email", ["pat@example.com", "PAT@Example.com"])
def test_a_guest_whose_email_has_an_account_is_asked_to_sign_in(
    make_account, trumpet, gateway, email
):
    make_account(email="pat@example.com")
    before = snapshot()

    with pytest.raises(ServiceError) as refused:
        checkout.place_order(
            {str(trumpet.id): 1},
            details(email=email, payment_method="card"),
            "token-1",
            password=PASSWORD,
            card=GOOD_CARD,
            gateway=gateway,
        )

    assert refused.value.field == "email"
    assert "Sign in" in refused.value.message
    assert gateway.charges == []
    assert snapshot() == before


@pytest.mark.parametrize(
    ("email", "password", "field"),
    [
        ("not an email", NEW_PASSWORD, "email"),
        ("ana@example.com", "short", "password"),
        ("ana@example.com", "password123", "password"),
    ],
)
def test_a_guest_account_follows_the_create_account_rules(
    trumpet, email, password, field
):
    with pytest.raises(ServiceError) as refused:
        checkout.place_order(
            {str(trumpet.id): 1}, details(email=email), "t1", password=password
        )

    assert refused.value.field == field
    assert count(WebAccount) == 0


def test_the_same_checkout_twice_is_one_order(make_account, trumpet, gateway):
    customer = make_account()

    first = checkout.place_order(
        {str(trumpet.id): 1}, details(), "token-1", customer=customer, gateway=gateway
    )
    again = checkout.place_order(
        {str(trumpet.id): 1}, details(), "token-1", customer=customer, gateway=gateway
    )

    assert again.id == first.id
    assert count(Order) == 1
    assert trumpet.stock == 4


def test_a_guests_repeat_is_the_same_order_only_with_its_password(trumpet):
    cart = {str(trumpet.id): 1}
    first = checkout.place_order(
        cart, details(email="ana@example.com"), "token-1", password=NEW_PASSWORD
    )

    again = checkout.place_order(
        {str(trumpet.id): 1},
        details(email="ana@example.com"),
        "token-1",
        password=NEW_PASSWORD,
    )
    with pytest.raises(ServiceError, match="already placed"):
        checkout.place_order(
            {str(trumpet.id): 1},
            details(email="ana@example.com"),
            "token-1",
            password="a guess at it",
        )

    assert again.id == first.id
    assert count(Order) == count(WebAccount) == 1


def test_someone_elses_token_shows_nothing(make_account, trumpet):
    owner, other = make_account(), make_account()
    checkout.place_order({str(trumpet.id): 1}, details(), "token-1", customer=owner)

    with pytest.raises(ServiceError) as refused:
        checkout.place_order({str(trumpet.id): 1}, details(), "token-1", customer=other)

    assert refused.value.message == ALREADY_PLACED
    assert count(Order) == 1


@pytest.mark.parametrize("token", ["", "x" * 65])
def test_a_missing_or_forged_token_is_an_out_of_date_form(make_account, trumpet, token):
    with pytest.raises(ServiceError, match="out of date"):
        checkout.place_order(
            {str(trumpet.id): 1}, details(), token, customer=make_account()
        )
    assert count(Order) == 0


def test_an_empty_cart_places_nothing(make_account):
    with pytest.raises(ServiceError, match="cart is empty"):
        checkout.place_order({}, details(), "token-1", customer=make_account())


def test_a_cart_short_of_stock_places_nothing(make_account, make_product, gateway):
    cello = make_product(name="Cello", stock=1)
    customer = make_account()
    before = snapshot()

    with pytest.raises(ServiceError, match="Only 1 left of Cello"):
        checkout.place_order(
            {str(cello.id): 2},
            details(payment_method="card"),
            "token-1",
            customer=customer,
            card=GOOD_CARD,
            gateway=gateway,
        )

    assert gateway.charges == []
    assert snapshot() == before


def test_a_card_order_is_paid_and_keeps_only_brand_and_last_four(
    make_account, trumpet, gateway, caplog
):
    caplog.set_level("INFO")

    order = checkout.place_order(
        {str(trumpet.id): 1},
        details(payment_method="card"),
        "token-1",
        customer=make_account(),
        card=GOOD_CARD,
        gateway=gateway,
    )

    assert (order.payment_method, order.payment_status) == ("card", "paid")
    assert order.card_summary == "Visa ending 4242"
    assert order.payment_reference.startswith("test_ch_")
    assert gateway.charges == [(order.total_cents, "token-1")]
    stored = repr(snapshot())
    assert "4242424242424242" not in stored and "4242 4242" not in stored
    assert "4242424242424242" not in caplog.text and "4242 4242" not in caplog.text


def test_a_declined_card_writes_nothing(make_account, trumpet, gateway):
    cart = {str(trumpet.id): 1}
    customer = make_account()
    before = snapshot()

    with pytest.raises(ServiceError) as refused:
        checkout.place_order(
            cart,
            details(payment_method="card"),
            "token-1",
            customer=customer,
            card=DECLINED_CARD,
            gateway=gateway,
        )

    assert refused.value.field == "card_number"
    assert "declined" in refused.value.message
    assert snapshot() == before
    assert cart == {str(trumpet.id): 1}


def test_a_declined_guest_creates_no_account(trumpet, gateway):
    with pytest.raises(ServiceError, match="insufficient funds"):
        checkout.place_order(
            {str(trumpet.id): 1},
            details(email="ana@example.com", payment_method="card"),
            "token-1",
            password=NEW_PASSWORD,
            card=CardDetails("4000000000009995", "12/40", "123"),
            gateway=gateway,
        )

    assert count(WebAccount) == count(Order) == 0


def test_an_invalid_card_number_never_reaches_the_gateway(
    make_account, trumpet, gateway
):
    with pytest.raises(ServiceError) as refused:
        checkout.place_order(
            {str(trumpet.id): 1},
            details(payment_method="card"),
            "token-1",
            customer=make_account(),
            card=CardDetails("4242 4242 4242 4241", "12/40", "123"),
            gateway=gateway,
        )

    assert refused.value.field == "card_number"
    assert gateway.charges == []


class SellOutDuringCharge(RecordingGateway):
    """Someone buys the last one while the card is being charged."""

    def __init__(self, product_id):
        super().__init__()
        self.product_id = product_id

    def charge(self, amount_cents, card, idempotency_key):
        result = super().charge(amount_cents, card, idempotency_key)
        db.session.get(Product, self.product_id).stock = 0
        db.session.flush()
        return result


def test_stock_sold_during_the_charge_voids_it_and_writes_nothing(
    make_account, make_product
):
    horn = make_product(name="French horn", stock=1)
    customer = make_account()
    gateway = SellOutDuringCharge(horn.id)

    with pytest.raises(checkout.OutOfStock, match="sold out"):
        checkout.place_order(
            {str(horn.id): 1},
            details(payment_method="card"),
            "token-1",
            customer=customer,
            card=GOOD_CARD,
            gateway=gateway,
        )

    assert len(gateway.voids) == 1
    assert gateway.voids[0].startswith("test_ch_")
    assert count(Order) == 0
    db.session.expire_all()
    assert db.session.get(Product, horn.id).stock == 1


def _run_together(app, jobs):
    """Run each job in its own thread and app context (its own session)."""
    results = [None] * len(jobs)

    def run(index, job):
        with app.app_context():
            try:
                results[index] = job()
            except Exception as error:  # noqa: BLE001 - the test inspects it
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


class MeetingGateway(RecordingGateway):
    """Holds each charge until every buyer has one, so all pass the stock check.

    SQLite runs one writer at a time (BEGIN IMMEDIATE), so there nobody waits.
    """

    def __init__(self, parties, dialect):
        super().__init__()
        self.barrier = threading.Barrier(parties, timeout=10)
        self.dialect = dialect

    def charge(self, amount_cents, card, idempotency_key):
        result = super().charge(amount_cents, card, idempotency_key)
        if self.dialect == "postgresql":
            self.barrier.wait()
        return result


def _buy(app_gateway, account_id, product_id, token):
    def job():
        customer = db.session.get(WebAccount, account_id)
        order = checkout.place_order(
            {str(product_id): 1},
            details(payment_method="card"),
            token,
            customer=customer,
            card=GOOD_CARD,
            gateway=app_gateway,
        )
        return order.id

    return job


def test_two_customers_buying_the_last_one_at_once_one_wins(
    app, make_account, make_product
):
    last = make_product(name="Last cello", stock=1)
    buyers = [make_account().id, make_account().id]
    product_id = last.id
    gateway = MeetingGateway(2, db.engine.dialect.name)
    db.session.close()

    results = _run_together(
        app,
        [_buy(gateway, buyer, product_id, f"token-{buyer}") for buyer in buyers],
    )

    won = [result for result in results if isinstance(result, int)]
    lost = [result for result in results if isinstance(result, ServiceError)]
    assert len(won) == 1 and len(lost) == 1, results
    assert count(Order) == 1
    assert db.session.get(Product, product_id).stock == 0
    assert len(gateway.voids) == len(gateway.charges) - 1
    if gateway.dialect == "postgresql":
        # Both got past the stock check: the conditional UPDATE decided.
        assert len(gateway.charges) == 2


def test_the_same_checkout_posted_twice_at_once_is_one_order(
    app, make_account, make_product
):
    product = make_product(stock=5)
    buyer, product_id = make_account().id, product.id
    gateway = MeetingGateway(2, db.engine.dialect.name)
    db.session.close()

    results = _run_together(
        app, [_buy(gateway, buyer, product_id, "one-token") for _ in range(2)]
    )

    assert results[0] == results[1] and isinstance(results[0], int), results
    assert count(Order) == 1
    assert db.session.get(Product, product_id).stock == 4
    assert gateway.voids == []
    if gateway.dialect == "postgresql":
        # Both got past the token check: the unique token decided.
        assert len(gateway.charges) == 2


def test_a_customer_sees_only_their_own_orders(make_account, make_order):
    me, other = make_account(), make_account()
    older, newer = make_order(me), make_order(me)
    theirs = make_order(other)

    assert [o.id for o in checkout.list_account_orders(me)] == [newer.id, older.id]
    assert checkout.get_account_order(me, older.id) == older
    with pytest.raises(NotFound):
        checkout.get_account_order(me, theirs.id)
    with pytest.raises(NotFound):
        checkout.get_account_order(me, 999_999)

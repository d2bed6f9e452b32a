"""/checkout, the order confirmation and /account's orders, through the pages."""

import logging

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Order, Product, WebAccount
from tests.conftest import login_as
from tests.helpers import (
    field_errors,
    flashes,
    input_value,
    redirect_target,
    snapshot,
    text,
)

NEW_PASSWORD = "a tune on the river"


@pytest.fixture
def trumpet(make_product):
    return make_product(sku="YTR-2330", name="Student Trumpet", price_cents=100_00)


def fill_cart(client, *items) -> None:
    with client.session_transaction() as session:
        session["cart"] = {str(product.id): quantity for product, quantity in items}


def checkout_form(client, **values) -> dict:
    """The checkout page's token, and a complete form a guest would send."""
    page = client.get("/checkout")
    assert page.status_code == 200
    form = {
        "checkout_token": input_value(page, "checkout_token"),
        "email": "ana@example.com",
        "password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
        "billing_first_name": "Ana",
        "billing_last_name": "Buyer",
        "billing_phone": "",
        "billing_address": "5 Elm St",
        "billing_city": "Springfield",
        "billing_state": "IL",
        "billing_postal_code": "62701",
        "shipping_same": "y",
        "payment_method": "pay_on_pickup",
    }
    form.update(values)
    return form


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_an_empty_cart_goes_back_to_the_cart(client):
    response = client.get("/checkout")

    assert redirect_target(response)[0] == "/cart"
    assert "Your cart is empty." in flashes(client.get("/cart"))[0]


def test_the_page_shows_the_order_and_a_labelled_test_mode(client, trumpet):
    fill_cart(client, (trumpet, 2))

    page = client.get("/checkout")
    html = text(page)

    assert "2 × Student Trumpet" in html
    assert "$200.00" in html and "$14.50" in html and "$214.50" in html
    assert "Test mode" in html
    assert "Pay on pickup / invoice" in html
    assert len(input_value(page, "checkout_token")) >= 32
    assert input_value(page, "email") is not None
    assert 'src="/static/js/checkout.js"' in html


def test_each_showing_of_the_form_has_a_new_token(client, trumpet):
    fill_cart(client, (trumpet, 1))

    first = input_value(client.get("/checkout"), "checkout_token")
    second = input_value(client.get("/checkout"), "checkout_token")

    assert first != second


def test_a_guest_checkout_creates_the_account_signs_in_and_confirms(client, trumpet):
    fill_cart(client, (trumpet, 1))

    response = client.post("/checkout", data=checkout_form(client))

    order = db.session.scalar(select(Order))
    account = db.session.get(WebAccount, order.web_account_id)
    assert redirect_target(response)[0] == f"/orders/{order.id}"
    assert account.email == "ana@example.com"
    confirmation = client.get(f"/orders/{order.id}")
    assert confirmation.status_code == 200
    assert flashes(confirmation) == [
        f"Thank you! Your order #{order.id} is placed. "
        f"Your web account's Active-e ID is {account.id}."
    ]
    assert "Pay on pickup / invoice" in text(confirmation)
    assert f"Order #{order.id}" in text(client.get("/account"))
    assert "Cart</a>" in text(confirmation)  # the cart is empty again


def test_a_signed_in_customer_starts_from_their_details(client, trumpet, make_account):
    customer = make_account(first_name="Pat", address="1 Main St")
    login_as(client, customer)
    fill_cart(client, (trumpet, 1))

    page = client.get("/checkout")

    assert input_value(page, "billing_first_name") == "Pat"
    assert input_value(page, "billing_address") == "1 Main St"
    assert 'name="password"' not in text(page)
    assert "Ordering as" in text(page)


def test_a_signed_in_customer_orders_without_a_password(client, trumpet, make_account):
    customer = make_account()
    login_as(client, customer)
    fill_cart(client, (trumpet, 1))
    form = checkout_form(client)
    del form["email"], form["password"], form["confirm_password"]

    response = client.post("/checkout", data=form)

    order = db.session.scalar(select(Order))
    assert redirect_target(response)[0] == f"/orders/{order.id}"
    assert order.web_account_id == customer.id
    assert count(WebAccount) == 1
    assert flashes(client.get(f"/orders/{order.id}")) == [
        f"Thank you! Your order #{order.id} is placed."
    ]


def test_the_same_checkout_posted_twice_is_one_order(client, trumpet):
    fill_cart(client, (trumpet, 1))
    form = checkout_form(client)

    first = client.post("/checkout", data=form)
    fill_cart(client, (trumpet, 1))  # as a retry from the old page would carry it
    second = client.post("/checkout", data=form)

    assert count(Order) == 1
    assert redirect_target(first) == redirect_target(second)
    assert db.session.get(Product, trumpet.id).stock == 4


def test_a_guest_retry_from_another_browser_must_sign_in(client, app, trumpet):
    fill_cart(client, (trumpet, 1))
    form = checkout_form(client)
    client.post("/checkout", data=form)
    stranger = app.test_client()
    fill_cart(stranger, (trumpet, 1))

    guess = "not the password"
    page = stranger.post(
        "/checkout", data=dict(form, password=guess, confirm_password=guess)
    )

    assert "already placed" in flashes(page)[0]
    assert count(Order) == 1


def test_forged_prices_totals_and_quantities_change_nothing(client, trumpet):
    fill_cart(client, (trumpet, 1))
    form = checkout_form(
        client,
        price_cents=1,
        unit_price_cents=1,
        subtotal_cents=1,
        tax_cents=0,
        total_cents=1,
        quantity=50,
        payment_status="paid",
        import_status="imported",
        web_account_id=1,
    )

    client.post("/checkout", data=form)

    order = db.session.scalar(select(Order))
    assert (order.subtotal_cents, order.tax_cents, order.total_cents) == (
        100_00,
        7_25,
        107_25,
    )
    assert [(line.quantity, line.unit_price_cents) for line in order.lines] == [
        (1, 100_00)
    ]
    assert (order.payment_status, order.import_status) == ("due", "new")


def test_an_existing_email_is_asked_to_sign_in(client, trumpet, make_account):
    make_account(email="pat@example.com")
    fill_cart(client, (trumpet, 1))
    form = checkout_form(client, email="PAT@example.com")
    before = snapshot()

    page = client.post("/checkout", data=form)

    assert page.status_code == 200
    assert field_errors(page, "email") == [
        "An account with this email already exists. Sign in instead."
    ]
    assert 'href="/login?next=/checkout"' in text(page)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("values", "field_id", "message"),
    [
        ({"confirm_password": "something else"}, "confirm_password", "do not match"),
        ({"password": "short", "confirm_password": "short"}, "password", "8"),
        ({"billing_address": ""}, "billing_address", "required"),
        ({"shipping_same": ""}, "shipping_address", "Enter the address."),
        ({"billing_city": "Spring\x01field"}, "billing_city", "control characters"),
        ({"billing_state": "I" * 31}, "billing_state", "30"),
        ({"payment_method": "free"}, "payment_method", "Not a valid choice"),
        ({"payment_method": "card", "card_number": "4242"}, "card_number", "digits"),
    ],
)
def test_a_refused_form_keeps_what_was_typed(
    client, trumpet, values, field_id, message
):
    fill_cart(client, (trumpet, 1))
    form = checkout_form(client, **values)

    page = client.post("/checkout", data=form)

    assert page.status_code == 200
    errors = field_errors(page, field_id) or [
        e for errors in [flashes(page)] for e in errors
    ]
    assert any(message in error for error in errors), errors
    assert input_value(page, "billing_first_name") == "Ana"
    assert input_value(page, "email") == "ana@example.com"
    assert input_value(page, "password") in (None, "")
    assert count(Order) == 0


def test_a_declined_card_writes_nothing_and_keeps_all_but_the_card(client, trumpet):
    fill_cart(client, (trumpet, 1))
    form = checkout_form(
        client,
        payment_method="card",
        card_number="4000 0000 0000 0002",
        card_expiry="12/40",
        card_cvc="123",
    )
    before = snapshot()

    page = client.post("/checkout", data=form)

    assert page.status_code == 200
    assert field_errors(page, "card_number") == [
        "Your card was declined. Nothing was charged and no order was placed."
    ]
    assert snapshot() == before
    assert input_value(page, "billing_address") == "5 Elm St"
    assert input_value(page, "card_number") == ""
    assert input_value(page, "card_cvc") == ""
    assert 'value="4000' not in text(page)
    assert input_value(page, "checkout_token") != form["checkout_token"]


def test_a_card_order_is_paid_and_no_card_number_is_kept(client, trumpet, caplog):
    caplog.set_level(logging.INFO)
    fill_cart(client, (trumpet, 1))
    form = checkout_form(
        client,
        payment_method="card",
        card_number="4242 4242 4242 4242",
        card_expiry="12/40",
        card_cvc="321",
    )

    response = client.post("/checkout", data=form)

    order = db.session.scalar(select(Order))
    assert redirect_target(response)[0] == f"/orders/{order.id}"
    assert (order.payment_status, order.card_summary) == ("paid", "Visa ending 4242")
    assert "Visa ending 4242" in text(client.get(f"/orders/{order.id}"))
    everything = repr(snapshot()) + caplog.text
    assert "4242424242424242" not in everything
    assert "4242 4242 4242 4242" not in everything


def test_stock_never_goes_below_zero_through_the_pages(client, app, make_product):
    last = make_product(name="Last cello", stock=1)
    other = app.test_client()
    fill_cart(client, (last, 1))
    fill_cart(other, (last, 1))
    first_form = checkout_form(client)
    second_form = checkout_form(other, email="bo@example.com")

    client.post("/checkout", data=first_form)
    page = other.post("/checkout", data=second_form)

    assert count(Order) == 1
    assert db.session.get(Product, last.id).stock == 0
    assert any("Last cello is out of stock." in message for message in flashes(page))


def test_a_customer_cannot_see_another_customers_order(
    client, make_account, make_order
):
    me, other = make_account(), make_account()
    theirs = make_order(other)
    mine = make_order(me)
    login_as(client, me)

    assert client.get(f"/orders/{mine.id}").status_code == 200
    assert client.get(f"/orders/{theirs.id}").status_code == 404
    assert client.get("/orders/999999").status_code == 404
    assert f"Order #{theirs.id}" not in text(client.get("/account"))


def test_an_order_page_needs_signing_in(client, make_order):
    order = make_order()

    response = client.get(f"/orders/{order.id}")

    assert redirect_target(response) == ("/login", {"next": [f"/orders/{order.id}"]})


def test_staff_do_not_check_out(client, trumpet, make_staff):
    login_as(client, make_staff("web_admin"))
    fill_cart(client, (trumpet, 1))

    assert client.get("/checkout").status_code == 403


def test_account_lists_the_orders_newest_first(client, make_account, make_order):
    me = make_account()
    older, newer = make_order(me), make_order(me)
    login_as(client, me)

    html = text(client.get("/account"))

    assert html.index(f"Order #{newer.id}") < html.index(f"Order #{older.id}")
    assert "$19.28" in html


@pytest.mark.config(WTF_CSRF_ENABLED=True)
def test_checkout_needs_the_csrf_token_and_never_echoes_the_card(client, trumpet):
    fill_cart(client, (trumpet, 1))

    page = client.post(
        "/checkout",
        data={
            "billing_first_name": "Ana",
            "card_number": "4242424242424242",
            "card_cvc": "9876",
        },
    )

    assert page.status_code == 400
    assert "Ana" in text(page)
    assert "4242424242424242" not in text(page)
    assert "9876" not in text(page)
    assert count(Order) == 0

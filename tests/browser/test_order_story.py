"""Web orders in Chromium: checkout creates an account, AIM staff import the order.

Elements are found by their labels, button names and link texts, the words
DESIGN.md fixes: Lock, Find Cust, Create Cust, Create Order, "6 Email".
"""

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Customer, Order, Sale, WebAccount
from app.services.staff import create_staff

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips, or fails under REQUIRE_BROWSER
    expect = None

pytestmark = pytest.mark.browser

CLERK = ("order_clerk", "clerk-at-the-counter-2026")
SHOPPER_PASSWORD = "reeds-and-valve-oil"


@pytest.fixture
def shop(make_product):
    """Two products on the shelf and a clerk; the test's session closed."""
    make_product(name="Bach trumpet mouthpiece 7C", sku="MP-7C", price_cents=6500)
    make_product(name="Clarinet reeds, box of 10", sku="RD-CL10", price_cents=2899)
    create_staff(CLERK[0], ["aim_clerk"], CLERK[1])
    db.session.close()


def add_to_cart(page, sku: str, quantity: int = 1) -> None:
    page.goto(f"/shop/{sku}")
    page.get_by_label("Quantity").fill(str(quantity))
    page.get_by_role("button", name="Add to cart").click()


def staff_sign_in(page) -> None:
    page.goto("/aim/login")
    page.get_by_label("Username").fill(CLERK[0])
    page.get_by_label("Password").fill(CLERK[1])
    page.get_by_role("button", name="Sign in").click()


def open_module(page, item: str) -> None:
    """Modules > ... > item, in the AIM menu bar."""
    menu = page.get_by_role("navigation", name="AIM")
    menu.get_by_text("Modules", exact=True).click()
    menu.get_by_role("link", name=item).click()


def open_import_screen(page) -> None:
    open_module(page, "Import e-commerce orders")
    expect(page.get_by_role("heading", name="Import e-commerce orders")).to_be_visible()


def test_guest_checkout_then_lock_create_cust_create_order(shop, new_page, screenshot):
    shopper = new_page()
    add_to_cart(shopper, "MP-7C", 2)
    add_to_cart(shopper, "RD-CL10")
    shopper.goto("/cart")
    shopper.get_by_role("link", name="Checkout").click()

    account = shopper.get_by_role("group", name="Your web account")
    account.get_by_label("Email").fill("Nina.Park@example.com")
    account.get_by_label("Password", exact=True).fill(SHOPPER_PASSWORD)
    account.get_by_label("Confirm password").fill(SHOPPER_PASSWORD)
    billing = shopper.get_by_role("group", name="Billing address")
    billing.get_by_label("First name").fill("Nina")
    billing.get_by_label("Last name").fill("Park")
    billing.get_by_label("Phone").fill("217-555-0190")
    billing.get_by_label("Address").fill("12 Cedar St")
    billing.get_by_label("City").fill("Springfield")
    billing.get_by_label("State").fill("IL")
    billing.get_by_label("Postal code").fill("62704")
    shopper.get_by_label("Credit or debit card").check()
    shopper.get_by_label("Card number").fill("4242 4242 4242 4242")
    shopper.get_by_label("Expiry (MM/YY)").fill("12/30")
    shopper.get_by_label("Security code").fill("123")
    screenshot(shopper, "checkout")
    shopper.get_by_role("button", name="Place order").click()

    expect(
        shopper.get_by_role("heading", name=re.compile(r"Order #\d+"))
    ).to_be_visible()
    expect(shopper.get_by_text("Visa ending 4242")).to_be_visible()
    screenshot(shopper, "confirmation")
    order = db.session.scalar(select(Order))
    web_id = order.web_account_id
    assert order.total_cents == order.subtotal_cents + order.tax_cents
    assert order.subtotal_cents == 2 * 6500 + 2899
    db.session.close()

    staff = new_page()
    staff_sign_in(staff)
    open_import_screen(staff)
    staff.get_by_role("link", name=re.compile(f"Web order {order.id}")).click()
    staff.get_by_role("button", name="Lock").click()
    expect(staff.get_by_text(f"Web order {order.id} is locked to you.")).to_be_visible()
    staff.get_by_role("link", name="Create Cust").click()

    expect(staff.get_by_label("Last name")).to_have_value("Park")
    expect(staff.get_by_label("Email", exact=True)).to_have_value(
        "Nina.Park@example.com"
    )
    screenshot(staff, "create-cust")
    staff.get_by_role("button", name="Save customer").click()
    chosen = staff.get_by_test_id("order-customer")
    expect(chosen).to_contain_text("#201 Nina Park")
    staff.get_by_role("button", name="Create Order").click()
    expect(staff.get_by_text(re.compile(rf"Web order {order.id} imported as AIM sale")))
    screenshot(staff, "imported")

    open_module(staff, "Change Customers")
    staff.get_by_label("Find").fill("Park")
    staff.get_by_role("button", name="Find").click()
    staff.get_by_role("link", name="Park, Nina").click()
    staff.get_by_role("link", name="6 Email").click()
    expect(staff.get_by_test_id("active-e-id")).to_have_text(str(web_id))
    staff.get_by_role("link", name="4 Account").click()
    expect(staff.get_by_text(f"Web order {order.id}", exact=True)).to_be_visible()
    screenshot(staff, "customer-sales")

    assert db.session.scalar(select(func.count()).select_from(Sale)) == 1
    assert db.session.get(Customer, 201).active_e_id == web_id
    assert db.session.get(WebAccount, web_id).aim_customer_number == 201
    assert db.session.get(Order, order.id).import_status == "imported"


def test_returning_linked_customer_order_arrives_with_its_customer(
    shop, new_page, make_account, make_customer, screenshot
):
    account = make_account(email="lee.returning@example.com")
    customer = make_customer(first_name="Lee", last_name="Returning")
    customer.active_e_id = account.id
    db.session.get(WebAccount, account.id).aim_customer_number = customer.number
    db.session.commit()
    number, email = customer.number, account.email
    db.session.close()

    shopper = new_page()
    shopper.goto("/login")
    shopper.get_by_label("Email").fill(email)
    shopper.get_by_label("Password").fill("correct horse battery")
    shopper.get_by_role("button", name="Sign in").click()
    add_to_cart(shopper, "RD-CL10", 3)
    shopper.goto("/checkout")
    billing = shopper.get_by_role("group", name="Billing address")
    billing.get_by_label("Address").fill("5 Returning Rd")
    billing.get_by_label("City").fill("Springfield")
    billing.get_by_label("State").fill("IL")
    billing.get_by_label("Postal code").fill("62701")
    shopper.get_by_role("button", name="Place order").click()
    expect(
        shopper.get_by_role("heading", name=re.compile(r"Order #\d+"))
    ).to_be_visible()
    order_id = db.session.scalar(select(Order.id))
    db.session.close()

    staff = new_page()
    staff_sign_in(staff)
    open_import_screen(staff)
    staff.get_by_role("link", name=re.compile(f"Web order {order_id}")).click()
    chosen = staff.get_by_test_id("order-customer")
    expect(chosen).to_contain_text(f"#{number} Lee Returning")
    staff.get_by_role("button", name="Lock").click()
    expect(staff.get_by_role("button", name="Find Cust")).to_have_count(0)
    staff.get_by_role("button", name="Create Order").click()
    expect(staff.get_by_text(re.compile(rf"Web order {order_id} imported")))
    screenshot(staff, "imported")

    sale = db.session.scalar(select(Sale))
    assert sale.customer_number == number
    assert sale.web_order_number == order_id

"""The whole link story in Chromium: a customer asks, AIM staff link, /aesys shows it.

Elements are found the way a person finds them: by their labels, button names
and link texts, the words DESIGN.md fixes.
"""

import re

import pytest
from sqlalchemy import func, insert, select

from app.extensions import db
from app.models import AuditEntry, Customer, LinkRequest, WebAccount
from app.services.staff import create_staff

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips, or fails under REQUIRE_BROWSER
    expect = None

pytestmark = pytest.mark.browser

CUSTOMER = {
    "First name": "Rosa",
    "Last name": "Delgado",
    "Email": "Rosa.Delgado@example.com",
    "Phone": "(217) 555-0173",
    "Address": "44 Elm St",
    "City": "Springfield",
    "State": "IL",
    "Postal code": "62704",
}
CUSTOMER_PASSWORD = "violin-lessons-on-tuesday"
CLERK = ("browser_clerk", "clerk-on-the-floor-2026")
WEB_ADMIN = ("browser_admin", "website-admin-2026")
AIM_NUMBER = 573


def _add_walk_in_customers(count: int) -> None:
    """Fill AIM with earlier customers in one insert, so numbers reach 573."""
    rows = [
        {
            "first_name": "Walk-in",
            "last_name": f"Customer {n}",
            "search_first": "walk-in",
            "search_last": f"customer {n}",
            "phone": f"(309) 555-{n:04d}",
            "phone_digits": f"309555{n:04d}",
        }
        for n in range(count)
    ]
    db.session.execute(insert(Customer), rows)
    db.session.commit()


@pytest.fixture
def store(make_customer):
    """AIM #573 among 373 customers, a clerk and a website admin; session closed."""
    _add_walk_in_customers(AIM_NUMBER - 201)
    customer = make_customer(
        first_name="Rosa",
        last_name="Delgado",
        address="12 Old Mill Rd",
        city="Springfield",
        state="IL",
        postal_code="62704",
        phone="(217) 555-0199",
        email="",
    )
    assert customer.number == AIM_NUMBER
    create_staff(CLERK[0], ["aim_clerk"], CLERK[1], "Casey Clerk")
    create_staff(WEB_ADMIN[0], ["web_admin"], WEB_ADMIN[1], "Wren Admin")
    # An open transaction here would hold SQLite's write lock against the server.
    db.session.close()


def _value_of(page, term: str):
    """The <dd> beside a <dt> in a details list."""
    term_pattern = re.compile(rf"^\s*{re.escape(term)}\s*$")
    return (
        page.locator("dt")
        .filter(has_text=term_pattern)
        .locator("xpath=following-sibling::dd[1]")
    )


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()


def _staff_sign_in(page, path: str, username: str, password: str):
    page.goto(path)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def _customer_asks_to_be_linked(page, shot) -> int:
    """Create an account on the way to the C2B form, ask for #573; the web id."""
    page.goto("/AeC2Brequest")
    expect(page).to_have_url(re.compile(r"/login\?next=/AeC2Brequest$"))
    expect(page.get_by_text("Sign in to ask for your web account")).to_be_visible()
    shot(page, "c2b-sends-to-sign-in")
    page.get_by_role("link", name="Create an account").click()

    expect(page.get_by_role("heading", name="Create account")).to_be_visible()
    for label, value in CUSTOMER.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Password", exact=True).fill(CUSTOMER_PASSWORD)
    page.get_by_label("Confirm password").fill(CUSTOMER_PASSWORD)
    shot(page, "create-account-filled")
    page.get_by_role("button", name="Create account").click()

    expect(page).to_have_url(re.compile(r"/AeC2Brequest$"))
    welcome = page.get_by_text("your Active-e ID is")
    expect(welcome).to_be_visible()
    web_id = int(re.search(r"Active-e ID is (\d+)", welcome.inner_text()).group(1))
    for label in ("First name", "Last name", "Phone", "Address", "City", "State"):
        expect(page.get_by_label(label, exact=True)).to_have_value(CUSTOMER[label])
    expect(page.get_by_label("Email")).to_have_value("Rosa.Delgado@example.com")
    shot(page, "c2b-form-prefilled")

    page.get_by_label("AIM account #").fill(str(AIM_NUMBER))
    page.get_by_role("button", name="Submit request").click()
    expect(page.get_by_text("Your request is with our staff")).to_be_visible()
    expect(page.get_by_text("Request pending since")).to_be_visible()
    expect(page.get_by_label("AIM account #")).to_have_value(str(AIM_NUMBER))
    shot(page, "c2b-request-pending")

    page.get_by_role("link", name="My account").click()
    expect(_value_of(page, "Active-e ID")).to_have_text(str(web_id))
    expect(page.get_by_text("Link request pending")).to_be_visible()
    shot(page, "account-pending")
    _sign_out(page)
    return web_id


def _clerk_links_the_request(page, web_id: int, shot) -> None:
    _staff_sign_in(page, "/aim/login", *CLERK)
    menu = page.get_by_role("navigation", name="AIM")
    menu.get_by_text("Modules", exact=True).click()
    shot(page, "aim-modules-menu")
    menu.get_by_role("link", name="Customer Online Account Relation").click()

    pending = page.get_by_role("region", name="Pending requests")
    pending.get_by_role("link", name="Delgado, Rosa").click()
    selected = page.get_by_role("region", name="Selected request")
    expect(_value_of(selected, "Active-e ID")).to_have_text(str(web_id))
    find = selected.get_by_label("Search AIM by number, name, phone or email")
    expect(find).to_have_value(str(AIM_NUMBER))
    selected.get_by_role("button", name="Find Customer").click()

    selected.get_by_role("link", name="Delgado, Rosa").click()
    chosen = page.get_by_test_id("chosen-customer")
    expect(chosen).to_have_text(f"#{AIM_NUMBER} Rosa Delgado")
    changes = selected.get_by_role("table")
    expect(changes).to_contain_text("12 Old Mill Rd")
    expect(changes).to_contain_text("44 Elm St")
    shot(page, "relation-customer-chosen")

    selected.get_by_role("button", name="Update Customer").click()
    updated = page.get_by_text(f"AIM #{AIM_NUMBER} updated from the website:")
    expect(updated).to_contain_text("Email")
    expect(updated).to_contain_text("Phone")
    expect(updated).to_contain_text("Address")
    already = page.get_by_text("AIM already has the website's information.")
    expect(already).to_be_visible()
    shot(page, "relation-customer-updated")

    page.get_by_role("button", name="Save", exact=True).click()
    expect(
        page.get_by_text(
            f"Saved: web account {web_id} (Rosa Delgado) is linked to AIM "
            f"#{AIM_NUMBER}."
        )
    ).to_be_visible()
    expect(page.get_by_text("No pending requests.")).to_be_visible()
    shot(page, "relation-saved")


def _clerk_checks_the_customer(page, web_id: int, shot) -> None:
    menu = page.get_by_role("navigation", name="AIM")
    menu.get_by_text("Modules", exact=True).click()
    menu.get_by_role("link", name="Change Customers").click()
    page.get_by_label("Find", exact=True).fill(str(AIM_NUMBER))
    page.get_by_role("button", name="Find", exact=True).click()
    shot(page, "aim-change-customers")
    page.get_by_role("link", name="Delgado, Rosa").click()

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(f"{AIM_NUMBER} Rosa Delgado")
    number_box = heading.locator(".acct").bounding_box()
    assert number_box["x"] < 100 and number_box["y"] < 200, number_box
    page.get_by_role("link", name="6 Email").click()
    expect(page.get_by_test_id("active-e-id")).to_have_text(str(web_id))
    expect(_value_of(page, "Email")).to_have_text("Rosa.Delgado@example.com")
    shot(page, "aim-customer-6-email")
    _sign_out(page)


def _admin_sees_the_link(page, web_id: int, shot) -> None:
    _staff_sign_in(page, "/aesys/login", *WEB_ADMIN)
    menu = page.get_by_role("navigation", name="Admin")
    menu.get_by_text("Contacts", exact=True).click()
    menu.get_by_role("link", name="Manage Contacts").click()
    shot(page, "aesys-contacts")

    name = page.get_by_role("link", name="Rosa Delgado")
    red, green, blue = map(
        int, re.findall(r"\d+", name.evaluate("e => getComputedStyle(e).color"))[:3]
    )
    assert blue > red and blue > green, "the contact's name is a blue link"
    name.click()
    expect(_value_of(page, "Customer ID")).to_have_text(str(web_id))
    expect(page.get_by_text(f"Linked to AIM customer #{AIM_NUMBER}")).to_be_visible()
    shot(page, "aesys-contact")
    _sign_out(page)


def test_customer_is_linked_to_aim_573_end_to_end(store, new_page, screenshot):
    customer_page = new_page()
    web_id = _customer_asks_to_be_linked(customer_page, screenshot)

    staff_page = new_page()
    _clerk_links_the_request(staff_page, web_id, screenshot)
    _clerk_checks_the_customer(staff_page, web_id, screenshot)
    _admin_sees_the_link(staff_page, web_id, screenshot)

    customer_page.goto("/login")
    customer_page.get_by_label("Email").fill("rosa.delgado@EXAMPLE.com")
    customer_page.get_by_label("Password").fill(CUSTOMER_PASSWORD)
    customer_page.get_by_role("button", name="Sign in").click()
    expect(customer_page.get_by_text("Welcome back, Rosa.")).to_be_visible()
    expect(
        customer_page.get_by_text(f"Linked to AIM account #{AIM_NUMBER}")
    ).to_be_visible()
    screenshot(customer_page, "account-linked")
    _sign_out(customer_page)

    customer = db.session.get(Customer, AIM_NUMBER)
    account = db.session.get(WebAccount, web_id)
    assert customer.active_e_id == web_id
    assert (customer.email, customer.address) == (account.email, "44 Elm St")
    assert account.aim_customer_number == AIM_NUMBER
    statuses = db.session.scalars(select(LinkRequest.status)).all()
    assert statuses == ["linked"]
    linked = db.session.scalar(
        select(func.count(AuditEntry.id)).where(
            AuditEntry.action == "web account linked"
        )
    )
    assert linked == 1


def _has_horizontal_scroll(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


def test_pages_fit_a_phone(store, make_customer, new_page, screenshot):
    make_customer(
        first_name="Bartholomew",
        last_name="Vandersteenhoven-Okonkwo",
        email="bartholomew.vandersteenhoven@example-music-school.org",
    )
    db.session.close()
    page = new_page(width=375, height=740)

    page.goto("/createaccount.aspx")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    screenshot(page, "phone-create-account")
    assert not _has_horizontal_scroll(page)

    _staff_sign_in(page, "/aim/login", *CLERK)
    page.goto("/aim/customers?q=Vandersteenhoven")
    expect(page.get_by_role("link", name="Vandersteenhoven-Okonkwo")).to_be_visible()
    assert page.get_by_label("Find", exact=True).bounding_box()["height"] < 60
    assert not _has_horizontal_scroll(page)
    page.get_by_role("navigation", name="AIM").get_by_text("Modules").click()
    screenshot(page, "phone-aim-customers")
    assert not _has_horizontal_scroll(page)

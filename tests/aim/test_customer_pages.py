"""AIM Modules > Customer > Change Customers: finding, adding and editing."""

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEntry, Customer
from tests.conftest import login_as
from tests.helpers import (
    field_errors,
    flashes,
    input_value,
    redirect_target,
    snapshot,
    text,
)

STALE = (
    "Someone else saved this customer while you were editing. Your changes were "
    "not saved: review the current details and make them again."
)
NEW = {
    "first_name": "Maya",
    "last_name": "Lindqvist",
    "company": "",
    "address": "4 Birch Rd",
    "city": "Springfield",
    "state": "IL",
    "postal_code": "62703",
    "phone": "2175550123",
    "mobile": "",
    "email": "Maya@Example.com",
    "notes": "Plays cello.",
}


@pytest.fixture
def clerk(client, make_staff):
    staff = make_staff("aim_clerk", username="casey")
    login_as(client, staff)
    return staff


def numbers_listed(response) -> list[int]:
    rows = re.findall(r"<tr>\s*<td>(\d+)</td>", text(response))
    return [int(number) for number in rows]


def edit_form(customer, **changes) -> dict:
    values = {name: getattr(customer, name) for name in NEW}
    values["version"] = str(customer.version)
    return {**values, **changes}


def test_the_menu_has_the_modules(client, clerk):
    page = text(client.get("/aim/"))

    assert "<summary>Modules</summary>" in page
    assert "<summary>Customer</summary>" in page
    assert '<a href="/aim/customers">Change Customers</a>' in page
    assert "<summary>Active-e</summary>" in page
    assert (
        '<a href="/aim/active-e/account-relations">'
        "Customer Online Account Relation</a>" in page
    )
    assert '<a href="/aim/active-e/orders">Import e-commerce orders</a>' in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("201", [201]),
        ("#202", [202]),
        ("gonzalez", [201]),
        ("GONZÁLEZ", [201]),
        ("maria gon", [201]),
        ("Gonzalez, Maria", [201]),
        ("217-555-0188", [202]),
        ("(217) 555 0188", [202]),
        ("2175550188", [202]),
        ("otto@", [202]),
        ("OTTO@EXAMPLE.COM", [202]),
        ("nobody", []),
    ],
)
def test_change_customers_finds_by_number_name_phone_email(
    client, clerk, make_customer, query, expected
):
    make_customer(first_name="María", last_name="González", phone="(217) 555-0100")
    make_customer(
        first_name="Otto",
        last_name="Berg",
        phone="(217) 555-0188",
        email="otto@example.com",
    )

    page = client.get("/aim/customers", query_string={"q": query})

    assert page.status_code == 200
    assert numbers_listed(page) == expected


def test_no_match_offers_to_add_the_customer(client, clerk, make_customer):
    make_customer()

    page = text(client.get("/aim/customers?q=zzz"))

    assert "No customer matches “zzz”." in page
    assert 'href="/aim/customers/new">add the customer</a>' in page


def test_percent_and_underscore_are_literal(client, clerk, make_customer):
    make_customer(last_name="Smith")
    odd = make_customer(last_name="S_ith")

    assert numbers_listed(client.get("/aim/customers?q=s_ith")) == [odd.number]
    assert numbers_listed(client.get("/aim/customers?q=%25")) == []


def test_change_customers_is_paged(client, clerk, make_customer):
    for n in range(23):
        make_customer(last_name=f"Member{n:02d}")

    first = client.get("/aim/customers")
    second = client.get("/aim/customers?page=2")

    assert len(numbers_listed(first)) == 20
    assert "Page 1 of 2 (23 in all)" in text(first)
    assert numbers_listed(second) == [221, 222, 223]


@pytest.mark.parametrize("page", ["abc", "0", "", "2x"])
def test_a_nonsense_page_is_a_400(client, clerk, page):
    response = client.get(f"/aim/customers?page={page}")

    assert response.status_code == 400
    assert "Bad request" in text(response)


def test_the_customer_screen_shows_the_number_and_six_tabs(
    client, clerk, make_customer, make_account
):
    account = make_account()
    customer = make_customer(first_name="Ana", last_name="Ruiz", active_e_id=account.id)

    page = text(client.get(f"/aim/customers/{customer.number}"))
    email_tab = text(client.get(f"/aim/customers/{customer.number}?tab=6"))

    assert (
        f'<h1><span class="acct" title="Account number">{customer.number}</span> '
        "Ana Ruiz</h1>" in page
    )
    tabs = re.findall(r'tab=(\d)"[^>]*>([^<]+)</a>', page)
    assert tabs == [
        ("1", "1 General"),
        ("2", "2 Address"),
        ("3", "3 Phone"),
        ("4", "4 Account"),
        ("5", "5 Notes"),
        ("6", "6 Email"),
    ]
    assert "<h2>6 Email</h2>" in email_tab
    assert f'data-testid="active-e-id">{account.id}</dd>' in email_tab


def test_an_unlinked_customer_s_email_tab_says_so(client, clerk, make_customer):
    customer = make_customer()

    page = text(client.get(f"/aim/customers/{customer.number}?tab=6"))

    assert "Not linked to a web account" in page


@pytest.mark.parametrize("tab", ["9", "0", "abc", "6 Email", "-1"])
def test_an_unknown_tab_is_a_400(client, clerk, make_customer, tab):
    customer = make_customer()

    response = client.get(
        f"/aim/customers/{customer.number}", query_string={"tab": tab}
    )

    assert response.status_code == 400


def test_an_unknown_customer_is_a_404(client, clerk):
    assert client.get("/aim/customers/999").status_code == 404
    assert client.get("/aim/customers/999/edit").status_code == 404


def test_adding_a_customer_numbers_from_201(client, clerk):
    response = client.post("/aim/customers/new", data=NEW)

    customer = db.session.get(Customer, 201)
    assert redirect_target(response) == ("/aim/customers/201", {})
    assert customer.full_name == "Maya Lindqvist"
    assert customer.phone == "(217) 555-0123"
    assert customer.email == "Maya@example.com"
    assert customer.active_e_id is None
    [entry] = db.session.scalars(select(AuditEntry))
    assert (entry.action, entry.customer_number, entry.staff_id) == (
        "customer added",
        201,
        clerk.id,
    )
    assert flashes(client.get("/aim/customers/201")) == [
        "AIM #201 Maya Lindqvist added."
    ]

    client.post("/aim/customers/new", data={**NEW, "first_name": "Nils"})
    assert db.session.get(Customer, 202).first_name == "Nils"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"last_name": ""}, "last_name", "This field is required."),
        (
            {"last_name": "L" * 61},
            "last_name",
            "Field cannot be longer than 60 characters.",
        ),
        ({"company": "\x01Acme"}, "company", "Remove the control characters."),
        ({"phone": "phone"}, "phone", "Enter a valid phone number."),
        ({"mobile": "12"}, "mobile", "Enter a valid phone number."),
    ],
)
def test_adding_with_bad_input_keeps_the_values(client, clerk, changes, field, message):
    response = client.post("/aim/customers/new", data={**NEW, **changes})

    assert response.status_code == 200
    assert field_errors(response, field) == [message]
    assert input_value(response, "address") == "4 Birch Rd"
    assert db.session.scalar(select(func.count()).select_from(Customer)) == 0


def test_adding_ignores_a_forged_active_e_id(client, clerk, make_account):
    account = make_account()

    client.post(
        "/aim/customers/new",
        data={**NEW, "active_e_id": str(account.id), "number": "900"},
    )

    customer = db.session.get(Customer, 201)
    assert customer.active_e_id is None
    assert db.session.get(Customer, 900) is None


def test_editing_saves_and_records_who(client, clerk, make_customer):
    customer = make_customer()
    form = client.get(f"/aim/customers/{customer.number}/edit")
    assert input_value(form, "version") == "1"

    response = client.post(
        f"/aim/customers/{customer.number}/edit",
        data=edit_form(customer, city="Chatham"),
    )

    assert redirect_target(response) == (f"/aim/customers/{customer.number}", {})
    db.session.refresh(customer)
    assert (customer.city, customer.version) == ("Chatham", 2)
    entry = db.session.scalar(select(AuditEntry))
    assert (entry.action, entry.details) == ("customer edited", "changed City")
    assert flashes(client.get(f"/aim/customers/{customer.number}")) == [
        f"AIM #{customer.number} saved."
    ]


def test_a_stale_edit_is_refused_plainly_and_writes_nothing(
    client, clerk, make_customer
):
    customer = make_customer(city="Springfield")
    seen = edit_form(customer)
    customer.city = "Decatur"
    db.session.commit()
    before = snapshot()

    response = client.post(
        f"/aim/customers/{customer.number}/edit", data={**seen, "city": "Chatham"}
    )

    assert response.status_code == 409
    assert flashes(response) == [STALE]
    assert "Saved by someone else meanwhile." in text(response)
    assert "<dt>City</dt><dd>Decatur</dd>" in text(response)
    assert input_value(response, "city") == "Chatham"
    assert input_value(response, "version") == "2"
    assert snapshot() == before


@pytest.mark.parametrize("version", ["", "abc", "-1", None])
def test_an_edit_without_a_sensible_version_is_a_400(
    client, clerk, make_customer, version
):
    customer = make_customer()
    data = edit_form(customer, city="Chatham", version=version)
    if version is None:
        del data["version"]
    before = snapshot()

    response = client.post(f"/aim/customers/{customer.number}/edit", data=data)

    assert response.status_code == 400
    assert snapshot() == before


def test_editing_ignores_forged_fields(client, clerk, make_customer, make_account):
    customer = make_customer()

    client.post(
        f"/aim/customers/{customer.number}/edit",
        data=edit_form(
            customer,
            city="Chatham",
            active_e_id=str(make_account().id),
            number="999",
            linked_at="2020-01-01",
        ),
    )

    db.session.refresh(customer)
    assert customer.city == "Chatham"
    assert customer.active_e_id is None
    assert customer.linked_at is None
    assert db.session.get(Customer, 999) is None

"""Modules > Active-e > Import e-commerce orders, through the pages."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Customer, Sale
from tests.conftest import login_as


@pytest.fixture
def clerk(make_staff):
    return make_staff("aim_clerk", username="clerk1")


def post(client, path, **data):
    return client.post(path, data=data, follow_redirects=True)


def test_empty_queue_says_what_will_appear(client, clerk):
    login_as(client, clerk)

    page = client.get("/aim/active-e/orders")

    assert page.status_code == 200
    assert "No new web orders to import" in page.text


def test_list_shows_billing_and_shipping_of_the_selected_order(
    client, clerk, make_order
):
    order = make_order(shipping_address="9 Shipping Lane", billing_address="1 Bill St")
    login_as(client, clerk)

    page = client.get(f"/aim/active-e/orders?order={order.id}")

    assert f"Web order {order.id}" in page.text
    assert "1 Bill St" in page.text
    assert "9 Shipping Lane" in page.text
    assert "Not locked" in page.text
    assert "Lock web order" not in page.text
    assert '<button type="submit" class="button primary">Lock</button>' in page.text


def test_whole_import_with_create_cust(client, clerk, make_order):
    order = make_order()
    login_as(client, clerk)
    base = f"/aim/active-e/orders/{order.id}"

    locked = post(client, f"{base}/lock")
    assert f"Web order {order.id} is locked to you." in locked.text
    assert "Find Cust" in locked.text and "Create Cust" in locked.text

    form = client.get(f"{base}/new-customer")
    assert form.status_code == 200
    assert f'value="{order.billing_last_name}"' in form.text
    assert f"The Active-e ID <strong>{order.web_account_id}</strong>" in form.text

    created = post(
        client,
        f"{base}/new-customer",
        first_name=order.billing_first_name,
        last_name=order.billing_last_name,
        email=order.email,
        phone="217 555 0100",
    )
    assert "AIM #201" in created.text
    assert db.session.get(Customer, 201).active_e_id == order.web_account_id

    imported = post(client, f"{base}/import")
    assert f"Web order {order.id} imported as AIM sale" in imported.text
    assert db.session.scalar(select(func.count()).select_from(Sale)) == 1

    screen = client.get("/aim/customers/201?tab=4")
    assert f"Web order {order.id}" in screen.text
    tab6 = client.get("/aim/customers/201?tab=6")
    assert f'data-testid="active-e-id">{order.web_account_id}' in tab6.text


def test_find_cust_lists_matches_and_choose_applies_the_id(
    client, clerk, make_order, make_customer
):
    order = make_order()
    customer = make_customer(last_name="Zimmerman")
    login_as(client, clerk)
    post(client, f"/aim/active-e/orders/{order.id}/lock")

    found = client.get(f"/aim/active-e/orders?order={order.id}&find=zimmer")
    assert f"Choose #{customer.number}" in found.text

    chosen = post(
        client,
        f"/aim/active-e/orders/{order.id}/customer",
        customer_number=customer.number,
        version=customer.version,
    )
    assert f"goes to AIM #{customer.number}" in chosen.text
    db.session.refresh(customer)
    assert customer.active_e_id == order.web_account_id


def test_linked_account_order_arrives_with_customer_chosen(
    client, clerk, make_order, make_account, make_customer
):
    account = make_account()
    customer = make_customer(active_e_id=account.id)
    order = make_order(account)
    login_as(client, clerk)

    page = client.get(f"/aim/active-e/orders?order={order.id}")

    assert f"#{customer.number} {customer.full_name}" in page.text


def test_second_clerk_sees_who_holds_the_lock_and_cannot_act(
    client, clerk, make_staff, make_order, make_customer
):
    order = make_order()
    login_as(client, clerk)
    post(client, f"/aim/active-e/orders/{order.id}/lock")
    other = make_staff("aim_clerk", username="clerk2")
    other_client = client.application.test_client()
    login_as(other_client, other)

    page = other_client.get(f"/aim/active-e/orders?order={order.id}")
    assert "Locked by clerk1" in page.text

    refused = post(other_client, f"/aim/active-e/orders/{order.id}/lock")
    assert "is locked by clerk1" in refused.text
    unlock = post(other_client, f"/aim/active-e/orders/{order.id}/unlock")
    assert "Only clerk1 or a manager can unlock" in unlock.text
    customer = make_customer()
    choose = post(
        other_client,
        f"/aim/active-e/orders/{order.id}/customer",
        customer_number=customer.number,
        version=customer.version,
    )
    assert "only they can act on it" in choose.text
    db.session.refresh(customer)
    assert customer.active_e_id is None


@pytest.mark.parametrize(
    "path",
    [
        "/aim/active-e/orders?order=abc",
        "/aim/active-e/orders?page=0",
        "/aim/active-e/orders?page=x",
        "/aim/active-e/orders?page=%C2%B2",
        "/aim/active-e/orders?order=%C2%B2",
        "/aim/active-e/orders?order=99999999999",
    ],
)
def test_nonsense_parameters_are_400(client, clerk, path):
    login_as(client, clerk)

    assert client.get(path).status_code == 400


def test_missing_order_is_404(client, clerk):
    login_as(client, clerk)

    assert client.get("/aim/active-e/orders?order=999").status_code == 404
    assert client.post("/aim/active-e/orders/999/lock").status_code == 404
    assert client.get("/aim/active-e/orders/999/new-customer").status_code == 404


def test_unknown_filter_falls_back_to_new(client, clerk, make_order):
    make_order()
    login_as(client, clerk)

    page = client.get("/aim/active-e/orders?status=bogus")

    assert page.status_code == 200
    assert 'aria-current="page" class="current">New</a>' in page.text


def test_create_cust_warns_of_a_likely_duplicate(
    client, clerk, make_order, make_customer
):
    order = make_order()
    twin = make_customer(
        first_name=order.billing_first_name,
        last_name=order.billing_last_name,
        email=order.email,
    )
    login_as(client, clerk)
    post(client, f"/aim/active-e/orders/{order.id}/lock")

    page = client.get(f"/aim/active-e/orders/{order.id}/new-customer").text

    assert "Already in AIM?" in page
    assert f"#{twin.number} {twin.full_name}" in page
    assert "same email" in page

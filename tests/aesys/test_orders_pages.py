"""/aesys Orders > Web orders: the list and an order's page, for website admins."""

import re
from datetime import timedelta

import pytest

from app.models.types import utcnow
from tests.conftest import login_as
from tests.helpers import text


@pytest.fixture
def admin_client(client, make_staff):
    login_as(client, make_staff("web_admin"))
    return client


def orders_listed(response) -> list[int]:
    found = re.findall(
        r'<a class="name-link" href="/aesys/orders/(\d+)">', text(response)
    )
    return [int(number) for number in found]


def test_the_menu_leads_to_web_orders(admin_client):
    page = text(admin_client.get("/aesys/contacts"))

    assert "<summary>Orders</summary>" in page
    assert '<a href="/aesys/orders">Web orders</a>' in page


def test_the_list_is_newest_first_with_customer_total_and_payment(
    admin_client, make_account, make_order
):
    pat = make_account(first_name="Pat", last_name="Jones")
    older = make_order(pat)
    newer = make_order(
        pat,
        payment_method="card",
        payment_status="paid",
        card_summary="Visa ending 4242",
        total_cents=123_45,
    )

    page = admin_client.get("/aesys/orders")

    assert page.status_code == 200
    assert orders_listed(page) == [newer.id, older.id]
    html = text(page)
    assert "Pat Jones" in html and pat.email in html
    assert f'href="/aesys/contacts/{pat.id}"' in html
    assert "$123.45" in html and "Paid by card" in html
    assert "Due (pickup / invoice)" in html


def test_the_list_filters_by_import_status(admin_client, make_order, make_staff):
    new = make_order()
    clerk = make_staff("aim_clerk")
    locked = make_order(
        locked_by_id=clerk.id,
        locked_by=clerk.username,
        locked_at=utcnow(),
        lock_expires_at=utcnow() + timedelta(minutes=15),
    )
    imported = make_order(import_status="imported", aim_sale_id=7)

    def listed(status):
        return orders_listed(admin_client.get(f"/aesys/orders?status={status}"))

    assert sorted(listed("all")) == sorted([new.id, locked.id, imported.id])
    assert listed("new") == [new.id]
    assert listed("locked") == [locked.id]
    assert listed("imported") == [imported.id]
    assert sorted(listed("nonsense")) == sorted(listed("all"))
    assert f"Locked by {clerk.username}" in text(admin_client.get("/aesys/orders"))


def test_the_list_is_paged(admin_client, make_order):
    for _ in range(21):
        make_order()

    first = admin_client.get("/aesys/orders")
    second = admin_client.get("/aesys/orders?page=2")

    assert len(orders_listed(first)) == 20
    assert len(orders_listed(second)) == 1
    assert "Page 1 of 2" in text(first)
    assert admin_client.get("/aesys/orders?page=x").status_code == 400


def test_an_empty_list_says_where_orders_come_from(admin_client):
    assert "Orders appear when customers check out" in text(
        admin_client.get("/aesys/orders")
    )


def test_the_order_page_shows_addresses_lines_payment_and_import(
    admin_client, make_order
):
    order = make_order(
        shipping_name="Grandma <Buyer>",
        shipping_address="9 Oak Ave",
        payment_method="card",
        payment_status="paid",
        card_summary="Visa ending 4242",
        payment_reference="test_ch_abc",
    )

    page = admin_client.get(f"/aesys/orders/{order.id}")

    html = text(page)
    assert page.status_code == 200
    assert f"Web order #{order.id}" in html
    assert "Grandma &lt;Buyer&gt;" in html and "9 Oak Ave" in html
    assert order.lines[0].name in html and "$17.98" in html and "$19.28" in html
    assert "Visa ending 4242" in html and "test_ch_abc" in html
    assert "New: not yet imported" in html


def test_an_imported_order_says_where_it_went(admin_client, make_order):
    order = make_order(
        import_status="imported",
        aim_sale_id=12,
        aim_customer_number=573,
        imported_at=utcnow(),
        imported_by="clerk",
    )

    html = text(admin_client.get(f"/aesys/orders/{order.id}"))

    assert "as sale #12 for AIM customer #573" in html


def test_a_missing_order_is_404(admin_client):
    assert admin_client.get("/aesys/orders/999999").status_code == 404


@pytest.mark.parametrize("role", [None, "aim_clerk"])
def test_only_website_admins_see_orders(
    client, make_account, make_staff, make_order, role
):
    order = make_order()
    login_as(client, make_staff(role) if role else make_account())

    response = client.get(f"/aesys/orders/{order.id}")

    assert response.status_code in (302, 403)
    assert f"Web order #{order.id}" not in text(response)

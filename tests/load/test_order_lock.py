"""Issue 3 under gunicorn: ten staff pressing Lock at once, and one import.

Each burst is bounded (ten requests) and goes only to the server started in
conftest.py on 127.0.0.1; afterwards the databases are read, not only the
status codes.
"""

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEntry, Order, Sale
from app.services.staff import create_staff
from tests.load.visitors import Visitor, all_at_once

pytestmark = pytest.mark.load

PASSWORD = "a long enough test phrase"
FLASH = re.compile(r'<p class="flash flash-(\w+)"[^>]*>(.*?)</p>', re.S)


def flashes(html: str) -> list[tuple[str, str]]:
    return [(kind, unescape(text).strip()) for kind, text in FLASH.findall(html)]


def signed_in_clerks(server, count: int) -> list[Visitor]:
    """Clerks locker0, locker1, ..., each signed in with their own cookies."""
    visitors = []
    for n in range(count):
        create_staff(f"locker{n}", ["aim_clerk"], PASSWORD)
        # On SQLite the test's open transaction would hold the workers' lock.
        db.session.close()
        visitor = Visitor(server.url)
        visitor.sign_in("/aim/login", "username", f"locker{n}", PASSWORD)
        visitors.append(visitor)
    return visitors


def press(visitor: Visitor, order_id: int, action: str):
    """Press a button on the order's screen, as the page's form would."""
    token = visitor.token(f"/aim/active-e/orders?order={order_id}")
    return visitor.post(
        f"/aim/active-e/orders/{order_id}/{action}",
        {"csrf_token": token},
        allow_redirects=True,
    )


def test_ten_staff_pressing_lock_at_once_leave_one_holder(quiet_server, make_order):
    order_id = make_order().id
    db.session.close()
    clerks = signed_in_clerks(quiet_server, 10)

    responses = all_at_once([lambda v=v: press(v, order_id, "lock") for v in clerks])

    assert [r.status_code for r in responses] == [200] * 10
    messages = [flashes(r.text) for r in responses]
    won = [
        m
        for m in messages
        if ("success", f"Web order {order_id} is locked to you.") in m
    ]
    refused = [m for m in messages if any("is locked by locker" in t for _, t in m)]
    assert (len(won), len(refused)) == (1, 9)

    order = db.session.get(Order, order_id)
    winner = [m in won for m in messages].index(True)
    assert order.locked_by == f"locker{winner}"
    assert order.lock_expires_at > order.locked_at


def test_create_order_pressed_five_times_makes_one_sale(
    quiet_server, make_order, make_account, make_customer
):
    account = make_account()
    number = make_customer(active_e_id=account.id).number
    account.aim_customer_number = number
    db.session.commit()
    order_id = make_order(account).id
    db.session.close()
    clerk = signed_in_clerks(quiet_server, 1)[0]
    assert "is locked to you" in press(clerk, order_id, "lock").text

    tabs = [clerk.another_tab() for _ in range(5)]
    responses = all_at_once([lambda t=t: press(t, order_id, "import") for t in tabs])

    assert all(r.status_code == 200 for r in responses)
    assert db.session.scalar(select(func.count()).select_from(Sale)) == 1
    imported = db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == "web order imported")
    )
    assert imported == 1
    order = db.session.get(Order, order_id)
    assert order.import_status == "imported"
    assert order.aim_customer_number == number

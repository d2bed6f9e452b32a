"""Promises 17-20 and 24 under gunicorn: simultaneous posts leave the right rows.

Each test fires a bounded burst at the server started in conftest.py, then
reads both databases: the status codes alone would not show a duplicate row.
"""

import re
from html import unescape
from itertools import cycle

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEntry, Customer, LinkRequest, WebAccount
from app.services.accounts import AccountDetails, register_account
from app.services.linking import RequestDetails, submit_link_request
from app.services.staff import create_staff
from tests.load.visitors import Visitor, all_at_once

pytestmark = pytest.mark.load

PASSWORD = "a long enough test phrase"
FLASH = re.compile(r'<p class="flash flash-(\w+)"[^>]*>(.*?)</p>', re.S)


def _flashes(html: str) -> list[tuple[str, str]]:
    return [(kind, unescape(text).strip()) for kind, text in FLASH.findall(html)]


def _count(model, *conditions) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


def _account(email: str) -> int:
    details = AccountDetails(first_name="Lee", last_name="Burst", email=email)
    return register_account(details, PASSWORD).id


def _clerks(count: int) -> list[str]:
    names = [f"clerk{n}" for n in range(count)]
    for name in names:
        create_staff(name, ["aim_clerk"], PASSWORD)
    return names


def _signed_in_clerk(server, username: str) -> Visitor:
    visitor = Visitor(server.url)
    visitor.sign_in("/aim/login", "username", username, PASSWORD)
    return visitor


def _signed_in_customer(server, email: str) -> Visitor:
    visitor = Visitor(server.url)
    visitor.sign_in("/login", "email", email, PASSWORD)
    return visitor


def test_twenty_registrations_with_one_email_make_one_account(quiet_server):
    spellings = cycle(
        [
            "same.person@example.com",
            "Same.Person@Example.COM",
            "  SAME.person@example.com ",
        ]
    )
    visitors = [Visitor(quiet_server.url) for _ in range(20)]
    forms = [
        {
            "csrf_token": visitor.token("/createaccount.aspx"),
            "first_name": "Sam",
            "last_name": f"Same{n}",
            "email": next(spellings),
            "password": PASSWORD,
            "confirm_password": PASSWORD,
        }
        for n, visitor in enumerate(visitors)
    ]

    responses = all_at_once(
        [
            lambda v=visitor, f=form: v.post("/createaccount.aspx", f)
            for visitor, form in zip(visitors, forms, strict=True)
        ]
    )

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] * 19 + [302]
    created = next(r for r in responses if r.status_code == 302)
    assert created.headers["Location"] == "/account"
    for response in responses:
        if response.status_code == 200:
            assert "An account with this email already exists" in response.text
    assert _count(WebAccount) == 1
    assert _count(WebAccount, WebAccount.email_key == "same.person@example.com") == 1


def test_the_same_request_posted_five_times_files_one(quiet_server):
    _account("burst@example.com")
    db.session.close()
    visitor = _signed_in_customer(quiet_server, "burst@example.com")
    form = {
        "csrf_token": visitor.token("/AeC2Brequest"),
        "aim_number": "573",
        "first_name": "Lee",
        "last_name": "Burst",
        "phone": "(217) 555-0101",
    }

    tabs = [visitor.another_tab() for _ in range(5)]

    responses = all_at_once(
        [lambda tab=tab: tab.post("/AeC2Brequest", form) for tab in tabs]
    )

    assert [r.status_code for r in responses] == [302] * 5
    assert {r.headers["Location"] for r in responses} == {"/AeC2Brequest"}
    requests_filed = db.session.scalars(select(LinkRequest)).all()
    assert len(requests_filed) == 1
    assert requests_filed[0].status == "pending"
    assert requests_filed[0].aim_number_typed == "573"
    assert requests_filed[0].email == "burst@example.com"


def test_staff_saving_one_request_with_different_customers_link_once(
    quiet_server, make_customer
):
    web_id = _account("linkme@example.com")
    account = db.session.get(WebAccount, web_id)
    link_request = submit_link_request(
        account, RequestDetails(aim_number="", first_name="Lee", last_name="Burst")
    )
    request_id = link_request.id
    numbers = [make_customer().number for _ in range(5)]
    clerks = _clerks(5)
    db.session.close()

    visitors = [_signed_in_clerk(quiet_server, name) for name in clerks]
    screen = "/aim/active-e/account-relations?request={}&customer={}"
    forms = [
        {
            "csrf_token": visitor.token(screen.format(request_id, number)),
            "customer_number": number,
            "version": 1,
        }
        for visitor, number in zip(visitors, numbers, strict=True)
    ]
    save = f"/aim/active-e/account-relations/{request_id}/save"

    responses = all_at_once(
        [
            lambda v=visitor, f=form: v.post(save, f)
            for visitor, form in zip(visitors, forms, strict=True)
        ]
    )

    assert [r.status_code for r in responses] == [302] * 5
    saved = [
        r.headers["Location"] == "/aim/active-e/account-relations" for r in responses
    ]
    assert saved.count(True) == 1
    winner = numbers[saved.index(True)]
    for visitor, response, ok in zip(visitors, responses, saved, strict=True):
        messages = _flashes(visitor.get(response.headers["Location"]).text)
        assert len(messages) == 1
        kind, text = messages[0]
        if ok:
            assert kind == "success" and f"linked to AIM #{winner}" in text
        else:
            assert kind == "error"
            assert "Nothing was changed" in text or "already" in text

    resolved = db.session.get(LinkRequest, request_id)
    assert (resolved.status, resolved.claimed_customer_number) == ("linked", winner)
    assert db.session.get(WebAccount, web_id).aim_customer_number == winner
    linked = db.session.scalars(
        select(Customer).where(Customer.active_e_id.is_not(None))
    )
    assert [(c.number, c.active_e_id) for c in linked] == [(winner, web_id)]
    assert _count(AuditEntry, AuditEntry.action == "web account linked") == 1


def _edit_form(customer: Customer, token: str, **changes) -> dict:
    names = ("first_name", "last_name", "company", "address", "city", "state")
    names += ("postal_code", "phone", "mobile", "email", "notes")
    form = {name: getattr(customer, name) for name in names}
    return {**form, "version": customer.version, "csrf_token": token, **changes}


def test_two_staff_editing_one_customer_the_second_is_refused(
    quiet_server, make_customer
):
    customer = make_customer(notes="")
    number = customer.number
    clerks = _clerks(2)
    db.session.close()

    visitors = [_signed_in_clerk(quiet_server, name) for name in clerks]
    edit = f"/aim/customers/{number}/edit"
    tokens = [visitor.token(edit) for visitor in visitors]
    customer = db.session.get(Customer, number)
    forms = [
        _edit_form(customer, tokens[0], phone="(217) 555-0111"),
        _edit_form(customer, tokens[1], notes="Prefers email"),
    ]
    db.session.close()

    responses = all_at_once(
        [
            lambda v=visitor, f=form: v.post(edit, f)
            for visitor, form in zip(visitors, forms, strict=True)
        ]
    )

    assert sorted(r.status_code for r in responses) == [302, 409]
    refused = next(r for r in responses if r.status_code == 409)
    assert "Someone else saved this customer while you were editing" in refused.text
    first = [r.status_code for r in responses].index(302)
    saved = db.session.get(Customer, number)
    assert saved.version == 2
    if first == 0:
        assert (saved.phone, saved.notes) == ("(217) 555-0111", "")
    else:
        assert (saved.phone, saved.notes) == ("(217) 555-0200", "Prefers email")
    assert _count(AuditEntry, AuditEntry.action == "customer edited") == 1


def _in_a_new_tab(visitor: Visitor, path: str, form: dict | None = None):
    """A request to send later, from its own client with the visitor's cookies."""
    tab = visitor.another_tab()
    if form is None:
        return lambda: tab.get(path)
    return lambda: tab.post(path, form)


def test_a_mixed_burst_never_reports_a_locked_database(quiet_server, make_customer):
    customer_emails = [f"regular{n}@example.com" for n in range(5)]
    for email in customer_emails:
        _account(email)
    number = make_customer().number
    clerks = _clerks(2)
    db.session.close()

    customers = [_signed_in_customer(quiet_server, e) for e in customer_emails]
    staff = [_signed_in_clerk(quiet_server, name) for name in clerks]
    tasks = []
    for n in range(10):
        newcomer = Visitor(quiet_server.url)
        form = {
            "csrf_token": newcomer.token("/createaccount.aspx"),
            "first_name": "New",
            "last_name": f"Comer{n}",
            "email": f"newcomer{n}@example.com",
            "password": PASSWORD,
            "confirm_password": PASSWORD,
        }
        tasks.append(_in_a_new_tab(newcomer, "/createaccount.aspx", form))
    for n, visitor in enumerate(customers * 2):
        form = {
            "csrf_token": visitor.token("/AeC2Brequest"),
            "aim_number": str(number + n),
            "first_name": "Lee",
            "last_name": "Burst",
        }
        tasks.append(_in_a_new_tab(visitor, "/AeC2Brequest", form))
    for n, visitor in enumerate(staff * 5):
        form = {
            "csrf_token": visitor.token("/aim/customers/new"),
            "first_name": "Walk",
            "last_name": f"In{n}",
            "version": "",
        }
        tasks.append(_in_a_new_tab(visitor, "/aim/customers/new", form))
    tasks += [_in_a_new_tab(visitor, "/account") for visitor in customers]
    for visitor in staff * 5:
        tasks.append(_in_a_new_tab(visitor, "/aim/customers?q=walk"))
        tasks.append(_in_a_new_tab(visitor, "/aim/active-e/account-relations"))

    responses = all_at_once(tasks)

    assert len(responses) == 55
    assert [r.status_code for r in responses if r.status_code >= 400] == []
    assert not [r for r in responses if "database is locked" in r.text]
    assert _count(WebAccount) == 15
    assert _count(LinkRequest, LinkRequest.status == "pending") == 5
    assert _count(Customer) == 11
    assert _count(AuditEntry, AuditEntry.action == "customer added") == 10

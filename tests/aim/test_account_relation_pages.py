"""AIM Modules > Active-e > Customer Online Account Relation, through the pages."""

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, Customer, LinkStatus, WebAccount
from tests.conftest import login_as
from tests.helpers import flashes, input_value, redirect_target, snapshot, text

SCREEN = "/aim/active-e/account-relations"


@pytest.fixture
def clerk(client, make_staff):
    staff = make_staff("aim_clerk", username="casey")
    login_as(client, staff)
    return staff


@pytest.fixture
def story(make_account, make_customer, make_request):
    """A customer asking to be linked to #201, whose AIM details are older."""
    account = make_account(
        first_name="Ana",
        last_name="Ruiz",
        email="ana.ruiz@example.com",
        phone="(217) 555-0166",
        address="8 New St",
    )
    customer = make_customer(
        first_name="Ana",
        last_name="Ruiz",
        email="",
        phone="(217) 555-0100",
        address="1 Old Rd",
        postal_code="62701",
    )
    link_request = make_request(account, str(customer.number))
    return account, customer, link_request


def listed(response) -> list[str]:
    return re.findall(r"<strong>([^<]+)</strong>\s*<span>Web account", text(response))


def chosen(response) -> str:
    found = re.search(r'data-testid="chosen-customer">\s*(.*?)\s*</p>', text(response))
    return re.sub(r"<[^>]+>", "", found.group(1))


def choice(customer) -> dict:
    return {"customer_number": customer.number, "version": customer.version}


def test_pending_requests_are_listed_oldest_first(
    client, clerk, make_account, make_request
):
    for name in ("Early", "Middle", "Late"):
        make_request(make_account(last_name=name))
    done = make_request(make_account(last_name="Done"))
    done.status = LinkStatus.REJECTED
    db.session.commit()

    page = client.get(SCREEN)

    assert "Modules &rsaquo; Active-e &rsaquo; Customer Online Account Relation" in (
        text(page)
    )
    assert listed(page) == ["Early, Pat", "Middle, Pat", "Late, Pat"]


def test_the_list_is_paged(client, clerk, make_account, make_request):
    for n in range(22):
        make_request(make_account(last_name=f"N{n:02d}"))

    first = client.get(SCREEN)
    second = client.get(f"{SCREEN}?page=2")

    assert len(listed(first)) == 20
    assert "Page 1 of 2 (22 in all)" in text(first)
    assert listed(second) == ["N20, Pat", "N21, Pat"]


def test_selecting_shows_the_website_information(client, clerk, story):
    account, customer, link_request = story

    page = client.get(SCREEN, query_string={"request": link_request.id})

    html = text(page)
    assert f'<dt>Active-e ID</dt><dd class="strong">{account.id}</dd>' in html
    assert f"<dt>AIM account # typed</dt><dd>{customer.number}</dd>" in html
    assert "<dt>Email</dt><dd>ana.ruiz@example.com</dd>" in html
    assert "Find Customer" in html
    assert input_value(page, "find") == str(customer.number)
    assert chosen(page) == "No customer chosen yet."


def test_find_customer_lists_matches_that_choose_the_customer(
    client, clerk, story, make_customer
):
    _, customer, link_request = story
    make_customer(last_name="Someone")

    page = client.get(SCREEN, query_string={"request": link_request.id, "find": "ruiz"})

    links = re.findall(r'<td><a href="([^"]+)">([^<]+)</a></td>', text(page))
    assert links == [
        (
            f"/aim/active-e/account-relations?request={link_request.id}"
            f"&amp;customer={customer.number}&amp;page=1",
            "Ruiz, Ana",
        )
    ]
    assert input_value(page, "find") == "ruiz"


def test_find_customer_says_when_nothing_matches(client, clerk, story):
    _, _, link_request = story

    page = client.get(SCREEN, query_string={"request": link_request.id, "find": "zzz"})

    assert "No AIM customer matches “zzz”." in text(page)


def test_choosing_shows_the_name_and_what_update_will_change(client, clerk, story):
    _, customer, link_request = story

    page = client.get(
        SCREEN, query_string={"request": link_request.id, "customer": customer.number}
    )

    html = text(page)
    assert chosen(page) == f"#{customer.number} Ana Ruiz"
    changes = re.findall(
        r"<tr><td>(\w[^<]*)</td><td>([^<]*)</td><td>([^<]*)</td>", html
    )
    assert changes == [
        ("Email", "(empty)", "ana.ruiz@example.com"),
        ("Phone", "(217) 555-0100", "(217) 555-0166"),
        ("Address", "1 Old Rd", "8 New St"),
    ]
    assert ">Update Customer</button>" in html
    assert ">Save</button>" in html


def test_update_customer_copies_the_website_details(client, clerk, story):
    _, customer, link_request = story

    response = client.post(f"{SCREEN}/{link_request.id}/update", data=choice(customer))

    assert redirect_target(response) == (
        SCREEN,
        {"request": [str(link_request.id)], "customer": [str(customer.number)]},
    )
    db.session.refresh(customer)
    assert (customer.email, customer.phone, customer.address) == (
        "ana.ruiz@example.com",
        "(217) 555-0166",
        "8 New St",
    )
    assert customer.active_e_id is None
    entry = db.session.scalar(select(AuditEntry))
    assert entry.action == "customer updated from web"
    assert entry.staff_id == clerk.id
    page = client.get(response.headers["Location"])
    assert flashes(page) == [
        f"AIM #{customer.number} updated from the website: Email, Phone, Address."
    ]
    assert "AIM already has the website's information." in text(page)


def test_update_customer_on_a_stale_screen_writes_nothing(client, clerk, story):
    _, customer, link_request = story
    seen = choice(customer)
    customer.notes = "edited by someone else"
    db.session.commit()
    before = snapshot()

    response = client.post(
        f"{SCREEN}/{link_request.id}/update", data=seen, follow_redirects=True
    )

    assert flashes(response) == [
        "Someone else saved this customer while you were editing. Your changes "
        "were not saved: review the current details and make them again."
    ]
    assert snapshot() == before


def test_save_links_both_sides_and_the_request_leaves_the_list(client, clerk, story):
    account, customer, link_request = story

    response = client.post(f"{SCREEN}/{link_request.id}/save", data=choice(customer))

    assert redirect_target(response) == (SCREEN, {})
    page = client.get(SCREEN)
    assert flashes(page) == [
        f"Saved: web account {account.id} (Ana Ruiz) is linked to AIM "
        f"#{customer.number}."
    ]
    assert listed(page) == []
    db.session.expire_all()
    assert db.session.get(Customer, customer.number).active_e_id == account.id
    assert db.session.get(WebAccount, account.id).aim_customer_number == (
        customer.number
    )
    assert link_request.status == LinkStatus.LINKED
    assert link_request.resolved_by == "casey"
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "web account linked")
    )
    assert (entry.customer_number, entry.web_account_id, entry.staff_id) == (
        customer.number,
        account.id,
        clerk.id,
    )
    email_tab = client.get(f"/aim/customers/{customer.number}?tab=6")
    assert f'data-testid="active-e-id">{account.id}</dd>' in text(email_tab)


def test_a_saved_request_shows_as_resolved_when_selected(client, clerk, story):
    _, customer, link_request = story
    client.post(f"{SCREEN}/{link_request.id}/save", data=choice(customer))

    page = client.get(SCREEN, query_string={"request": link_request.id})

    assert "This request was linked by casey" in text(page)
    assert ">Save</button>" not in text(page)


def test_reject_removes_the_request_and_the_customer_sees_why(client, clerk, story):
    account, _, link_request = story
    reason = "We could not find this account; please call the store."

    response = client.post(
        f"{SCREEN}/{link_request.id}/reject", data={"reason": reason}
    )

    assert redirect_target(response) == (SCREEN, {})
    page = client.get(SCREEN)
    assert flashes(page) == ["Request rejected; the customer will see your reason."]
    assert listed(page) == []
    assert (link_request.status, link_request.reject_reason) == ("rejected", reason)
    login_as(client, account)
    assert reason in text(client.get("/account"))


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "This field is required."),
        ("   ", "This field is required."),
        ("x" * 301, "Field cannot be longer than 300 characters."),
        ("bad\x00reason", "Remove the control characters."),
    ],
)
def test_reject_needs_a_reason(client, clerk, story, reason, message):
    _, _, link_request = story
    before = snapshot()

    response = client.post(
        f"{SCREEN}/{link_request.id}/reject", data={"reason": reason}
    )

    html = text(response)
    assert response.status_code == 400
    assert f"<li>{message}</li>" in html
    assert '<details class="reject" open>' in html
    if reason.strip() and reason.isprintable():
        assert f'value="{reason}"' in html
    assert snapshot() == before


def test_save_refuses_a_customer_linked_to_another_account(
    client, clerk, story, make_account
):
    account, customer, link_request = story
    other = make_account()
    customer.active_e_id = other.id
    db.session.commit()
    before = snapshot()

    response = client.post(
        f"{SCREEN}/{link_request.id}/save", data=choice(customer), follow_redirects=True
    )

    assert flashes(response) == [
        f"AIM #{customer.number} Ana Ruiz is already linked to another web account "
        f"(Active-e ID {other.id})."
    ]
    assert f"is already linked to web account {other.id}. Choose another" in (
        text(response)
    )
    assert snapshot() == before


def test_save_refuses_an_account_linked_elsewhere(client, clerk, story, make_customer):
    account, customer, link_request = story
    elsewhere = make_customer(first_name="Ana", last_name="Elsewhere")
    elsewhere.active_e_id = account.id
    db.session.commit()
    before = snapshot()

    response = client.post(
        f"{SCREEN}/{link_request.id}/save", data=choice(customer), follow_redirects=True
    )

    assert flashes(response) == [
        f"This web account is already linked to AIM #{elsewhere.number} Ana Elsewhere."
    ]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (
            LinkStatus.LINKED,
            "This request was already resolved by robin: the web account is "
            "linked to AIM #{other}.",
        ),
        (LinkStatus.REJECTED, "This request was already rejected by robin."),
    ],
)
def test_save_refuses_a_request_another_resolved_first(
    client, clerk, story, make_customer, status, message
):
    _, customer, link_request = story
    other = make_customer()
    link_request.status = status
    link_request.resolved_by = "robin"
    link_request.claimed_customer_number = other.number
    db.session.commit()
    before = snapshot()

    response = client.post(
        f"{SCREEN}/{link_request.id}/save", data=choice(customer), follow_redirects=True
    )

    assert flashes(response) == [message.format(other=other.number)]
    assert snapshot() == before


def test_reject_refuses_a_request_another_resolved_first(client, clerk, story):
    _, customer, link_request = story
    link_request.status = LinkStatus.LINKED
    link_request.resolved_by = "robin"
    link_request.claimed_customer_number = customer.number
    db.session.commit()
    before = snapshot()

    response = client.post(
        f"{SCREEN}/{link_request.id}/reject",
        data={"reason": "No."},
        follow_redirects=True,
    )

    assert flashes(response) == [
        "This request was already resolved by robin: the web account is linked "
        f"to AIM #{customer.number}."
    ]
    assert snapshot() == before


@pytest.mark.parametrize(
    "query", ["request=abc", "customer=abc", "page=abc", "request=1.5", "page=0"]
)
def test_nonsense_parameters_are_a_400(client, clerk, story, query):
    assert client.get(f"{SCREEN}?{query}").status_code == 400


@pytest.mark.parametrize(
    "data",
    [{}, {"customer_number": "abc", "version": "1"}, {"customer_number": "201"}],
)
@pytest.mark.parametrize("action", ["save", "update"])
def test_a_nonsense_choice_is_a_400(client, clerk, story, action, data):
    _, _, link_request = story
    before = snapshot()

    response = client.post(f"{SCREEN}/{link_request.id}/{action}", data=data)

    assert response.status_code == 400
    assert snapshot() == before


def test_unknown_requests_and_customers_are_a_404(client, clerk, story):
    _, customer, link_request = story

    assert client.get(f"{SCREEN}?request=999").status_code == 404
    assert client.get(f"{SCREEN}?request={link_request.id}&customer=9").status_code == (
        404
    )
    assert client.post(f"{SCREEN}/999/save", data=choice(customer)).status_code == 404
    missing = {"customer_number": 999, "version": 1}
    assert client.post(
        f"{SCREEN}/{link_request.id}/save", data=missing
    ).status_code == (404)

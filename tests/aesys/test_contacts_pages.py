"""/aesys Contacts > Manage Contacts: the web accounts, for website admins."""

import re

import pytest

from app.extensions import db
from app.models import LinkStatus
from tests.conftest import login_as
from tests.helpers import text


@pytest.fixture
def admin_client(client, make_staff):
    login_as(client, make_staff("web_admin"))
    return client


def names_listed(response) -> list[str]:
    return re.findall(r'<a class="name-link" href="[^"]+">([^<]*)</a>', text(response))


def test_the_menu_leads_to_manage_contacts(admin_client):
    page = text(admin_client.get("/aesys/", follow_redirects=True))

    assert "<summary>Contacts</summary>" in page
    assert '<a href="/aesys/contacts">Manage Contacts</a>' in page
    assert "<h1>Manage Contacts</h1>" in page


def test_the_list_shows_every_account_with_its_link(
    admin_client, make_account, make_customer
):
    linked = make_account(first_name="Ana", last_name="Alvarez")
    make_account(first_name="Ben", last_name="Brook")
    customer = make_customer(active_e_id=linked.id)
    linked.aim_customer_number = customer.number
    db.session.commit()

    page = admin_client.get("/aesys/contacts")

    assert names_listed(page) == ["Ana Alvarez", "Ben Brook"]
    assert f"<td>{linked.id}</td>" in text(page)
    assert f"AIM #{customer.number}" in text(page)
    assert '<span class="muted">Not linked</span>' in text(page)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("alvarez", ["Ana Alvarez"]),
        ("ALV", ["Ana Alvarez"]),
        ("álvarez", ["Ana Alvarez"]),
        ("ana alv", ["Ana Alvarez"]),
        ("brook", ["Ben Brook"]),
        ("ben.b@", ["Ben Brook"]),
        ("BEN.B@EXAMPLE.COM", ["Ben Brook"]),
        ("nobody", []),
    ],
)
def test_search_by_name_or_email(admin_client, make_account, query, expected):
    make_account(first_name="Ana", last_name="Alvarez", email="ana@example.com")
    make_account(first_name="Ben", last_name="Brook", email="ben.b@example.com")

    page = admin_client.get("/aesys/contacts", query_string={"q": query})

    assert page.status_code == 200
    assert names_listed(page) == expected


def test_search_by_active_e_id(admin_client, make_account):
    accounts = [make_account() for _ in range(3)]

    page = admin_client.get("/aesys/contacts", query_string={"q": accounts[1].id})

    assert names_listed(page) == [accounts[1].full_name]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("s_ith", ["Cal S_ith"]),
        ("50%", ["Dee 50%Off"]),
        ("%", []),
        ("_", []),
        ("%mith", []),
        ("s%", []),
    ],
)
def test_percent_and_underscore_are_literal(
    admin_client, make_account, query, expected
):
    make_account(first_name="Bo", last_name="Smith")
    make_account(first_name="Cal", last_name="S_ith")
    make_account(first_name="Dee", last_name="50%Off")

    page = admin_client.get("/aesys/contacts", query_string={"q": query})

    assert names_listed(page) == expected


def test_no_match_says_so(admin_client, make_account):
    make_account()

    page = admin_client.get("/aesys/contacts?q=zzz")

    assert "No contact matches “zzz”." in text(page)


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Al Zed", "Bo Young", "Cy Xu"]),
        ("newest", ["Al Zed", "Cy Xu", "Bo Young"]),
        ("id", ["Bo Young", "Cy Xu", "Al Zed"]),
        ("email", ["Cy Xu", "Al Zed", "Bo Young"]),
        ("password_hash", ["Al Zed", "Bo Young", "Cy Xu"]),
        ("id; drop table web_accounts", ["Al Zed", "Bo Young", "Cy Xu"]),
        ("", ["Al Zed", "Bo Young", "Cy Xu"]),
    ],
)
def test_sort_takes_only_its_columns(admin_client, make_account, sort, expected):
    make_account(first_name="Bo", last_name="Young", email="b@example.com")
    make_account(first_name="Cy", last_name="Xu", email="a@example.com")
    make_account(first_name="Al", last_name="Zed", email="ab@example.com")

    page = admin_client.get("/aesys/contacts", query_string={"sort": sort})

    assert page.status_code == 200
    assert names_listed(page) == expected


def test_the_list_is_paged(admin_client, make_account):
    for n in range(25):
        make_account(first_name="Member", last_name=f"N{n:02d}")

    first = admin_client.get("/aesys/contacts")
    second = admin_client.get("/aesys/contacts?page=2")
    beyond = admin_client.get("/aesys/contacts?page=9")

    assert len(names_listed(first)) == 20
    assert "Page 1 of 2 (25 in all)" in text(first)
    assert 'href="/aesys/contacts?page=2&amp;q=&amp;sort=name" rel="next"' in text(
        first
    )
    assert names_listed(second) == [f"Member N{n}" for n in range(20, 25)]
    assert beyond.status_code == 200
    assert names_listed(beyond) == []


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "999999999"])
def test_a_nonsense_page_is_a_400(admin_client, page):
    assert admin_client.get(f"/aesys/contacts?page={page}").status_code == 400


def test_a_name_opens_the_contact_page(admin_client, make_account, make_customer):
    account = make_account(first_name="Ana", last_name="Alvarez")
    customer = make_customer(first_name="Ana", last_name="Alvarez-Ruiz")
    customer.active_e_id = account.id
    account.aim_customer_number = customer.number
    db.session.commit()
    listing = admin_client.get("/aesys/contacts")
    href = re.search(r'<a class="name-link" href="([^"]+)">Ana Alvarez<', text(listing))

    page = admin_client.get(href.group(1))

    assert href.group(1) == f"/aesys/contacts/{account.id}"
    assert f'<dt>Customer ID</dt><dd class="strong">{account.id}</dd>' in text(page)
    assert f"Linked to AIM customer #{customer.number} Ana Alvarez-Ruiz" in text(page)


def test_the_contact_page_shows_a_pending_request(
    admin_client, make_account, make_request
):
    account = make_account()
    make_request(account, "573")

    page = text(admin_client.get(f"/aesys/contacts/{account.id}"))

    assert "Not linked to an AIM customer" in page
    assert "Pending C2B request" in page
    assert "<dt>AIM account # typed</dt><dd>573</dd>" in page


def test_the_contact_page_shows_a_rejected_request(
    admin_client, make_account, make_request
):
    account = make_account()
    link_request = make_request(account, "573")
    link_request.status = LinkStatus.REJECTED
    link_request.reject_reason = "No such customer."
    link_request.resolved_by = "robin"
    db.session.commit()

    page = text(admin_client.get(f"/aesys/contacts/{account.id}"))

    assert "Last C2B request: rejected" in page
    assert "No such customer." in page


def test_an_unknown_contact_is_a_404(admin_client):
    response = admin_client.get("/aesys/contacts/999")

    assert response.status_code == 404
    assert "Page not found" in text(response)


def test_the_list_says_which_contacts_wait_on_a_request(
    client, make_staff, make_account, make_request
):
    waiting = make_account(last_name="Waiting")
    make_request(waiting, "573")
    make_account(last_name="Quiet")
    login_as(client, make_staff("web_admin"))

    page = client.get("/aesys/contacts?sort=name").get_data(as_text=True)

    rows = {
        name: page.split(name, 1)[1].split("</tr>", 1)[0]
        for name in ("Waiting", "Quiet")
    }
    assert "Request pending" in rows["Waiting"]
    assert "Not linked" in rows["Quiet"]

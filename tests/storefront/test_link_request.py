"""/AeC2Brequest and /account: asking to be linked, and what the customer sees."""

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import LinkRequest, LinkStatus
from tests.conftest import PASSWORD, login_as
from tests.helpers import (
    field_errors,
    flashes,
    fresh,
    input_value,
    redirect_target,
    snapshot,
    text,
    without_csrf,
)

THANKS = (
    "Thank you. Your request is with our staff; we will link your accounts and "
    "your account page will show it."
)


def requests_of(account) -> list[LinkRequest]:
    return list(
        db.session.scalars(
            select(LinkRequest).where(LinkRequest.web_account_id == account.id)
        )
    )


def form_of(account, **changes) -> dict:
    values = {
        "aim_number": "573",
        "first_name": account.first_name,
        "last_name": account.last_name,
        "phone": account.phone,
        "address": account.address,
        "city": account.city,
        "state": account.state,
        "postal_code": account.postal_code,
        "comment": "",
    }
    return {**values, **changes}


@pytest.mark.parametrize("path", ["/AeC2Brequest", "/aec2brequest", "/AEC2BREQUEST"])
def test_without_a_session_the_customer_signs_in_first(client, path):
    response = client.get(path, follow_redirects=True)

    assert response.request.path == "/login"
    assert response.request.args["next"] == "/AeC2Brequest"
    assert flashes(response) == [
        "Sign in to ask for your web account to be linked to your AIM account."
    ]
    assert 'href="/createaccount.aspx?next=/AeC2Brequest"' in text(response)


def test_signing_in_comes_back_to_the_form(client, make_account):
    account = make_account()
    client.get("/AeC2Brequest", follow_redirects=True)

    response = client.post(
        "/login?next=/AeC2Brequest",
        data={"email": account.email, "password": PASSWORD},
        follow_redirects=True,
    )

    assert response.request.path == "/AeC2Brequest"
    assert 'value="Submit request"' in text(response)


def test_creating_an_account_comes_back_to_the_form(client):
    login = client.get("/AeC2Brequest", follow_redirects=True)
    create = re.search(r'href="(/createaccount\.aspx\?next=[^"]+)"', text(login))

    response = client.post(
        create.group(1),
        data={
            "first_name": "Robin",
            "last_name": "Okafor",
            "email": "robin@example.com",
            "password": "a quiet trombone",
            "confirm_password": "a quiet trombone",
        },
        follow_redirects=True,
    )

    assert response.request.path == "/AeC2Brequest"
    assert input_value(response, "first_name") == "Robin"


@pytest.mark.parametrize("path", ["/aec2brequest", "/AEC2BREQUEST", "/AeC2BRequest"])
def test_the_form_answers_in_any_letter_case(client, make_account, path):
    account = make_account()
    login_as(client, account)

    response = client.post(path, data=form_of(account), follow_redirects=True)

    assert response.request.path == "/AeC2Brequest"
    assert flashes(response) == [THANKS]
    assert len(requests_of(account)) == 1


def test_the_form_is_filled_from_the_account(client, make_account):
    account = make_account(
        first_name="Lee", last_name="Park", phone="(217) 555-0177", city="Chatham"
    )
    login_as(client, account)

    page = client.get("/AeC2Brequest")

    assert input_value(page, "first_name") == "Lee"
    assert input_value(page, "last_name") == "Park"
    assert input_value(page, "phone") == "(217) 555-0177"
    assert input_value(page, "city") == "Chatham"
    assert input_value(page, "aim_number") == ""
    assert f'value="{account.email}" readonly' in text(page)
    assert ">AIM account #</label>" in text(page)
    assert 'value="Submit request"' in text(page)


def test_submitting_files_one_request_with_the_account_s_email(client, make_account):
    account = make_account(email="mine@example.com")
    login_as(client, account)

    response = client.post(
        "/AeC2Brequest",
        data=form_of(account, email="forged@example.com", aim_number=" #573 "),
    )

    assert redirect_target(response) == ("/AeC2Brequest", {})
    [link_request] = requests_of(account)
    assert link_request.email == "mine@example.com"
    assert link_request.aim_number_typed == "573"
    assert link_request.status == LinkStatus.PENDING
    page = client.get("/AeC2Brequest")
    assert flashes(page) == [THANKS]
    assert "Request pending since" in text(page)
    assert input_value(page, "aim_number") == "573"


def test_a_second_submit_updates_the_request(client, make_account):
    account = make_account()
    login_as(client, account)
    client.post("/AeC2Brequest", data=form_of(account, aim_number="573"))

    client.post(
        "/AeC2Brequest",
        data=form_of(account, aim_number="574", comment="Under my maiden name"),
    )

    [link_request] = requests_of(account)
    assert link_request.aim_number_typed == "574"
    assert link_request.comment == "Under my maiden name"


def test_the_number_is_optional(client, make_account):
    account = make_account()
    login_as(client, account)

    response = client.post("/AeC2Brequest", data=form_of(account, aim_number=""))

    assert response.status_code == 302
    assert requests_of(account)[0].aim_number_typed == ""


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"aim_number": "57A"}, "aim_number", "Digits only, for example 573."),
        ({"aim_number": "five"}, "aim_number", "Digits only, for example 573."),
        ({"aim_number": "-573"}, "aim_number", "Digits only, for example 573."),
        (
            {"aim_number": "1234567890"},
            "aim_number",
            "Field cannot be longer than 9 characters.",
        ),
        ({"first_name": ""}, "first_name", "This field is required."),
        (
            {"last_name": "L" * 61},
            "last_name",
            "Field cannot be longer than 60 characters.",
        ),
        ({"city": "Spring\x07field"}, "city", "Remove the control characters."),
        (
            {"comment": "x" * 1001},
            "comment",
            "Field cannot be longer than 1000 characters.",
        ),
        ({"phone": "not a phone"}, "phone", "Enter a valid phone number."),
    ],
)
def test_bad_input_is_a_field_error_with_the_values_kept(
    client, make_account, changes, field, message
):
    account = make_account()
    login_as(client, account)
    data = form_of(account, address="77 Typed Ave", **changes)

    response = client.post("/AeC2Brequest", data=data)

    assert response.status_code == 200
    assert field_errors(response, field) == [message]
    assert input_value(response, "address") == "77 Typed Ave"
    if field != "comment":
        assert input_value(response, field) == changes[field]
    assert requests_of(account) == []


def test_the_reply_is_the_same_whether_the_number_exists(
    client, make_account, make_customer
):
    """Typing a number tells the customer nothing about AIM's customers."""
    account = make_account()
    login_as(client, account)
    data = form_of(account, aim_number="201")

    def answer() -> tuple:
        response = client.post("/AeC2Brequest", data=data)
        page = client.get(response.headers["Location"])
        return response.status_code, response.headers["Location"], text(page)

    before = answer()
    secret = make_customer(first_name="Zebulon", last_name="Quartermaine")
    secret.phone = "(618) 555-0199"
    db.session.commit()
    assert secret.number == 201

    after = answer()

    assert before[:2] == after[:2]
    assert without_csrf(before[2]) == without_csrf(after[2])
    for aim_data in ("Zebulon", "Quartermaine", "555-0199", secret.email):
        assert aim_data not in after[2]
        assert aim_data not in text(client.get("/account"))


def test_a_linked_account_sees_its_link_instead_of_the_form(
    client, make_account, make_customer
):
    account = make_account()
    customer = make_customer(active_e_id=account.id)
    account.aim_customer_number = customer.number
    db.session.commit()
    login_as(client, account)

    page = client.get("/AeC2Brequest")
    before = snapshot()
    posted = client.post("/AeC2Brequest", data=form_of(account))

    assert f"Linked to AIM account #{customer.number}" in text(page)
    assert 'value="Submit request"' not in text(page)
    assert posted.status_code == 200
    assert f"Linked to AIM account #{customer.number}" in text(posted)
    assert snapshot() == before


def test_a_request_being_saved_by_staff_cannot_be_changed(
    client, make_account, make_request
):
    account = make_account()
    link_request = make_request(account, "573")
    link_request.status = LinkStatus.LINKING
    db.session.commit()
    login_as(client, account)

    response = client.post("/AeC2Brequest", data=form_of(account, aim_number="999"))

    assert response.status_code == 200
    assert flashes(response) == [
        "Staff are linking your account right now; there is nothing to change."
    ]
    db.session.refresh(link_request)
    assert link_request.aim_number_typed == "573"


def test_forged_fields_change_nothing(client, make_account, make_account_other):
    account = make_account()
    login_as(client, account)

    client.post(
        "/AeC2Brequest",
        data=form_of(
            account,
            status="linked",
            web_account_id=str(make_account_other.id),
            claimed_customer_number="201",
            resolved_by="mallory",
            aim_customer_number="201",
        ),
    )

    [link_request] = requests_of(account)
    assert link_request.status == LinkStatus.PENDING
    assert link_request.claimed_customer_number is None
    assert link_request.resolved_by == ""
    assert requests_of(make_account_other) == []
    assert fresh(account).aim_customer_number is None


@pytest.fixture
def make_account_other(make_account):
    return make_account()


# /account ---------------------------------------------------------------------


def status_of(response) -> str:
    found = re.search(r'<p class="status status-\w+">(.*?)</p>', text(response))
    return found.group(1)


def test_account_shows_not_linked(client, make_account):
    account = make_account()
    login_as(client, account)

    page = client.get("/account")

    assert status_of(page) == "Not linked"
    assert f'<dt>Active-e ID</dt><dd class="strong">{account.id}</dd>' in text(page)
    assert account.email in text(page)
    assert 'href="/AeC2Brequest"' in text(page)


def test_account_shows_a_pending_request(client, make_account, make_request):
    account = make_account()
    make_request(account, "573")
    login_as(client, account)

    page = client.get("/account")

    assert status_of(page) == "Link request pending"
    assert "to be linked to AIM account #573" in text(page)


def test_account_shows_the_link(client, make_account, make_customer):
    account = make_account()
    customer = make_customer(active_e_id=account.id)
    account.aim_customer_number = customer.number
    db.session.commit()
    login_as(client, account)

    page = client.get("/account")

    assert status_of(page) == f"Linked to AIM account #{customer.number}"
    assert customer.last_name not in text(page)


def test_account_shows_why_a_request_was_rejected(client, make_account, make_request):
    account = make_account()
    link_request = make_request(account, "573")
    link_request.status = LinkStatus.REJECTED
    link_request.reject_reason = "We could not find account 573; please call us."
    db.session.commit()
    login_as(client, account)

    page = client.get("/account")

    assert status_of(page) == "Not linked"
    assert "Your last request was not linked." in text(page)
    assert "We could not find account 573; please call us." in text(page)


def test_the_email_help_promises_nothing_the_site_cannot_do(client, make_account):
    """There is no page to change the email, so the help must not send anyone there."""
    login_as(client, make_account())

    page = text(client.get("/AeC2Brequest"))

    assert "Your web account's email; the request always uses it." in page
    assert "change it" not in page

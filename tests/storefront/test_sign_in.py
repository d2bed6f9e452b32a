"""/login and sign-out: one message for every failure, a fresh session, a real end."""

import pytest

from app.extensions import db
from app.services import passwords
from tests.conftest import PASSWORD, login_as
from tests.helpers import csrf_token, flashes, fresh, redirect_target, text

FAILED = "That email and password do not match an account."


def sign_in(client, email, password=PASSWORD, query="", **kwargs):
    return client.post(
        f"/login{query}", data={"email": email, "password": password}, **kwargs
    )


def test_the_page_links_to_creating_an_account(client):
    page = text(client.get("/login?next=/AeC2Brequest"))

    assert ">Email</label>" in page
    assert ">Password</label>" in page
    assert 'value="Sign in"' in page
    assert 'href="/createaccount.aspx?next=/AeC2Brequest"' in page


@pytest.mark.parametrize(
    "typed",
    [
        "sam.lee@example.com",
        "SAM.LEE@EXAMPLE.COM",
        "Sam.Lee@Example.Com",
        "  sam.lee@example.com  ",
    ],
)
def test_sign_in_works_in_any_case(client, make_account, typed):
    account = make_account(email="Sam.Lee@example.com", email_key="sam.lee@example.com")

    response = sign_in(client, typed)

    assert redirect_target(response) == ("/account", {})
    page = client.get("/account")
    assert page.status_code == 200
    assert flashes(page) == [f"Welcome back, {account.first_name}."]


@pytest.mark.parametrize("case", ["unknown email", "wrong password", "disabled"])
def test_every_failure_says_the_same(client, make_account, case):
    account = make_account(email="kim@example.com")
    account.disabled = case == "disabled"
    db.session.commit()
    email = "nobody@example.com" if case == "unknown email" else "kim@example.com"
    password = "not the password" if case == "wrong password" else PASSWORD

    response = sign_in(client, email, password)

    assert response.status_code == 200
    assert flashes(response) == [FAILED]
    assert client.get("/account").status_code == 302


def test_the_failure_pages_are_identical_but_for_the_email(client, make_account):
    make_account(email="kim@example.com")
    disabled = make_account(email="dee@example.com", disabled=True)

    pages = [
        text(sign_in(client, email, password)).replace(email, "EMAIL")
        for email, password in [
            ("nobody@example.com", PASSWORD),
            ("kim@example.com", "not the password"),
            (disabled.email, PASSWORD),
        ]
    ]

    assert pages[0] == pages[1] == pages[2]


def test_every_failure_checks_one_password_hash(client, make_account, monkeypatch):
    """The same work for every failure, so timing cannot tell them apart."""
    make_account(email="kim@example.com")
    make_account(email="dee@example.com", disabled=True)
    checked = []
    real_check = passwords.check_password_hash
    monkeypatch.setattr(
        passwords,
        "check_password_hash",
        lambda stored, given: checked.append(stored) or real_check(stored, given),
    )

    for email, password in [
        ("nobody@example.com", PASSWORD),
        ("kim@example.com", "not the password"),
        ("dee@example.com", PASSWORD),
    ]:
        checked.clear()
        sign_in(client, email, password)
        assert len(checked) == 1
        assert checked[0].startswith("scrypt:")


@pytest.mark.parametrize(
    "evil",
    [
        "//evil.com",
        "//evil.com/account",
        "///evil.com",
        "https://evil.com",
        "http://evil.com/account",
        "HTTPS://evil.com",
        "/\\evil.com",
        "\\\\evil.com",
        "/\\/evil.com",
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        " //evil.com",
        "/\t/evil.com",
        "/\r\n/evil.com",
        "evil.com",
        "account",
        "https:/evil.com",
        "//localhost@evil.com",
    ],
)
def test_next_never_leads_off_the_site(client, make_account, evil):
    account = make_account()

    response = client.post(
        "/login",
        query_string={"next": evil},
        data={"email": account.email, "password": PASSWORD},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/account"


@pytest.mark.parametrize(
    "target", ["/AeC2Brequest", "/account?tab=1", "/createaccount.aspx"]
)
def test_next_leads_to_a_page_of_this_site(client, make_account, target):
    account = make_account()

    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": account.email, "password": PASSWORD},
    )

    assert response.headers["Location"] == target


def test_a_signed_in_customer_on_login_goes_on_to_next(client, make_account):
    login_as(client, make_account())

    assert client.get("/login?next=/AeC2Brequest").headers["Location"] == (
        "/AeC2Brequest"
    )
    assert client.get("/login?next=//evil.com").headers["Location"] == "/account"


def test_sign_in_issues_a_fresh_session(client, make_account):
    account = make_account()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
        session["_user_id"] = "customer:999:forged"
    planted_cookie = client.get_cookie("session").value

    sign_in(client, account.email)

    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == account.get_id()
    assert client.get_cookie("session").value != planted_cookie


@pytest.mark.config(WTF_CSRF_ENABLED=True)
def test_sign_out_is_a_post_with_a_csrf_token(client, make_account):
    login_as(client, make_account())
    page = client.get("/account")
    assert ">Sign out</button>" in text(page)

    assert client.get("/logout").status_code == 405
    refused = client.post("/logout")
    assert refused.status_code == 400
    assert client.get("/account").status_code == 200

    response = client.post("/logout", data={"csrf_token": csrf_token(page)})

    assert redirect_target(response) == ("/", {})
    assert flashes(client.get("/")) == ["You are signed out."]
    assert redirect_target(client.get("/account"))[0] == "/login"


def test_a_copied_cookie_stops_working_at_sign_out(app, client, make_account):
    account = make_account()
    sign_in(client, account.email)
    copied = client.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/account").status_code == 200

    client.post("/logout")

    stale = app.test_client()
    stale.set_cookie("session", copied)
    response = stale.get("/account")
    assert redirect_target(response) == ("/login", {"next": ["/account"]})
    assert redirect_target(thief.get("/account"))[0] == "/login"


def test_a_disabled_account_is_signed_out_at_once(client, make_account):
    account = make_account()
    sign_in(client, account.email)

    fresh(account).disabled = True
    db.session.commit()

    assert redirect_target(client.get("/account"))[0] == "/login"


@pytest.mark.config(
    RATELIMIT_ENABLED=True,
    SIGN_IN_LIMIT_PER_ACCOUNT="3/minute",
    SIGN_IN_LIMIT_PER_ADDRESS="100/minute",
)
def test_failed_sign_ins_are_throttled_per_account(client, make_account):
    account = make_account()
    for n in range(3):
        response = sign_in(
            client,
            account.email.upper(),
            "not the password",
            headers={"X-Forwarded-For": f"198.51.100.{n}"},
        )
        assert response.status_code == 200

    blocked = sign_in(client, account.email, headers={"X-Forwarded-For": "203.0.113.9"})

    assert blocked.status_code == 429
    assert "Too many attempts in a short time." in text(blocked)
    assert redirect_target(client.get("/account"))[0] == "/login"
    elsewhere = sign_in(client, account.email, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert elsewhere.status_code == 429


@pytest.mark.config(
    RATELIMIT_ENABLED=True,
    SIGN_IN_LIMIT_PER_ACCOUNT="100/minute",
    SIGN_IN_LIMIT_PER_ADDRESS="4/minute",
)
def test_failed_sign_ins_are_throttled_per_address(client, make_account):
    account = make_account()
    for n in range(4):
        response = sign_in(
            client,
            f"guess{n}@example.com",
            headers={"X-Forwarded-For": f"198.51.100.{n}"},
        )
        assert response.status_code == 200

    blocked = sign_in(client, account.email, headers={"X-Forwarded-For": "10.1.1.1"})

    assert blocked.status_code == 429
    other_address = sign_in(
        client, account.email, environ_base={"REMOTE_ADDR": "192.0.2.50"}
    )
    assert redirect_target(other_address) == ("/account", {})


@pytest.mark.config(
    RATELIMIT_ENABLED=True,
    TRUSTED_PROXY_COUNT=1,
    SIGN_IN_LIMIT_PER_ACCOUNT="100/minute",
    SIGN_IN_LIMIT_PER_ADDRESS="3/minute",
)
def test_behind_a_proxy_a_forged_forwarded_for_does_not_reset_it(client):
    """The proxy appends the real address; what the client put before it is noise."""
    for n in range(3):
        forged = f"203.0.113.{n}, 192.0.2.7"
        response = sign_in(
            client, f"guess{n}@example.com", headers={"X-Forwarded-For": forged}
        )
        assert response.status_code == 200

    blocked = sign_in(
        client, "guess9@example.com", headers={"X-Forwarded-For": "1.1.1.1, 192.0.2.7"}
    )

    assert blocked.status_code == 429
    another_client = sign_in(
        client, "guess9@example.com", headers={"X-Forwarded-For": "192.0.2.8"}
    )
    assert another_client.status_code == 200


@pytest.mark.config(RATELIMIT_ENABLED=True, SIGN_IN_LIMIT_PER_ACCOUNT="2/minute")
def test_every_attempt_counts_so_a_burst_cannot_slip_past(client, make_account):
    account = make_account()
    for _ in range(2):
        assert redirect_target(sign_in(client, account.email)) == ("/account", {})
        client.post("/logout")

    assert sign_in(client, account.email).status_code == 429

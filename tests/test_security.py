"""RELIABILITY 9 and 11-16: CSRF, forged fields, escaping, headers, limits, errors."""

import os
import re
import stat
import time

import pytest
from sqlalchemy import select

from app import create_app
from app.config import build_config
from app.extensions import db
from app.models import LinkRequest, WebAccount
from tests.conftest import login_as
from tests.helpers import (
    csrf_token,
    flashes,
    input_value,
    redirect_target,
    snapshot,
    text,
)

XSS = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
EXPIRED = (
    "This form expired or was sent without its security token, so nothing was "
    "saved. Your entries are kept below: send them again."
)
KEPT = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')
ACCOUNT_FORM = {
    "first_name": "Quinn",
    "last_name": "Adeyemi",
    "email": "quinn@example.com",
    "password": "oboe reeds are pricey",
    "confirm_password": "oboe reeds are pricey",
}


@pytest.fixture
def people(make_account, make_customer, make_staff, make_request):
    """One of each user, a pending request, and a linked AIM customer."""
    account = make_account()
    linked = make_account()
    customer = make_customer(active_e_id=linked.id)
    linked.aim_customer_number = customer.number
    db.session.commit()
    return {
        "customer": account,
        "aim_clerk": make_staff("aim_clerk"),
        "aim_manager": make_staff("aim_manager"),
        "request": make_request(make_account(), "573"),
        "aim_customer": customer,
    }


# CSRF ------------------------------------------------------------------------

FORMS = [
    ("anonymous", "/createaccount.aspx", ACCOUNT_FORM),
    ("anonymous", "/login", {"email": "a@example.com", "password": "x" * 10}),
    ("anonymous", "/aim/login", {"username": "robin", "password": "x" * 10}),
    ("customer", "/AeC2Brequest", {"first_name": "A", "last_name": "B"}),
    ("customer", "/logout", {}),
    ("aim_clerk", "/aim/customers/new", {"last_name": "Forged"}),
    ("aim_clerk", "/aim/customers/{number}/edit", {"last_name": "X", "version": "1"}),
    ("aim_manager", "/aim/customers/{number}/unlink", {}),
    ("aim_clerk", "/aim/logout", {}),
    (
        "aim_clerk",
        "/aim/active-e/account-relations/{request}/save",
        {"customer_number": "{number}", "version": "1"},
    ),
    (
        "aim_clerk",
        "/aim/active-e/account-relations/{request}/update",
        {"customer_number": "{number}", "version": "1"},
    ),
    ("aim_clerk", "/aim/active-e/account-relations/{request}/reject", {"reason": "No"}),
]


@pytest.mark.config(WTF_CSRF_ENABLED=True)
@pytest.mark.parametrize("token", [None, "forged-token"], ids=["missing", "forged"])
@pytest.mark.parametrize(("user", "path", "data"), FORMS, ids=[f[1] for f in FORMS])
def test_a_post_without_a_valid_token_is_refused(
    client, people, user, path, data, token
):
    if user != "anonymous":
        login_as(client, people[user])
    ids = {"number": people["aim_customer"].number, "request": people["request"].id}
    path = path.format(**ids)
    data = {name: value.format(**ids) for name, value in data.items()}
    if token:
        data["csrf_token"] = token
    before = snapshot()

    response = client.post(path, data=data)

    assert response.status_code == 400
    assert EXPIRED in text(response)
    assert snapshot() == before


@pytest.mark.config(WTF_CSRF_ENABLED=True)
def test_the_expired_page_keeps_what_was_typed_but_not_passwords(client):
    form = {**ACCOUNT_FORM, "first_name": XSS, "city": "Peoria"}

    response = client.post("/createaccount.aspx?next=/AeC2Brequest", data=form)

    html = text(response)
    assert response.status_code == 400
    assert ">Send again</button>" in html
    assert 'action="/createaccount.aspx?next=/AeC2Brequest"' in html
    assert input_value(response, "city") == "Peoria"
    assert input_value(response, "first_name") == XSS
    assert XSS not in html
    assert ESCAPED in html
    assert ACCOUNT_FORM["password"] not in html
    assert 'name="password"' not in html
    assert 'name="confirm_password"' not in html


@pytest.mark.config(WTF_CSRF_ENABLED=True)
def test_send_again_finishes_an_expired_request(client, make_account):
    account = make_account()
    login_as(client, account)
    typed = {"aim_number": "573", "first_name": "Pat", "last_name": "Typed"}

    expired = client.post("/AeC2Brequest", data=typed)
    kept = dict(
        re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', text(expired))
    )
    response = client.post("/AeC2Brequest", data=kept)

    assert redirect_target(response) == ("/AeC2Brequest", {})
    link_request = db.session.scalar(select(LinkRequest))
    assert (link_request.aim_number_typed, link_request.last_name) == ("573", "Typed")


@pytest.mark.config(WTF_CSRF_ENABLED=True, WTF_CSRF_TIME_LIMIT=1)
def test_a_form_left_open_too_long_gets_the_expired_page(client, make_account):
    account = make_account()
    login_as(client, account)
    token = csrf_token(client.get("/AeC2Brequest"))
    time.sleep(2.1)

    response = client.post(
        "/AeC2Brequest",
        data={"csrf_token": token, "first_name": "Pat", "last_name": "Late"},
    )

    assert response.status_code == 400
    assert EXPIRED in text(response)
    assert input_value(response, "last_name") == "Late"
    assert db.session.scalar(select(LinkRequest)) is None


# Forged fields -----------------------------------------------------------------


def test_creating_an_account_takes_only_its_own_fields(client, make_customer):
    make_customer()

    client.post(
        "/createaccount.aspx",
        data={
            **ACCOUNT_FORM,
            "id": "777",
            "aim_customer_number": "201",
            "disabled": "1",
            "email_key": "someone-else@example.com",
            "password_hash": "plain",
            "session_token": "chosen",
        },
    )

    account = db.session.scalar(select(WebAccount))
    assert account.id != 777
    assert account.aim_customer_number is None
    assert account.disabled is False
    assert account.email_key == "quinn@example.com"
    assert account.password_hash.startswith("scrypt:")
    assert account.session_token != "chosen"


# Escaping ------------------------------------------------------------------------


@pytest.fixture
def hostile(make_account, make_customer, make_request, make_order):
    """Records whose every typed text is markup, on both sides of the link."""
    account = make_account(first_name=XSS, last_name=XSS, address=XSS, city=XSS)
    link_request = make_request(
        account, "201", comment=XSS, first_name=XSS, last_name=XSS
    )
    customer = make_customer(first_name=XSS, last_name=XSS, notes=XSS, company=XSS)
    rejected = make_account(first_name=XSS)
    old = make_request(rejected, "")
    old.status, old.reject_reason, old.resolved_by = "rejected", XSS, XSS
    order = make_order(
        account, billing_first_name=XSS, billing_last_name=XSS, shipping_address=XSS
    )
    db.session.commit()
    return account, customer, link_request, rejected, order


STAFF_PAGES = [
    "/aesys/contacts",
    "/aesys/contacts?q=%3Cscript%3Ealert(1)%3C/script%3E",
    "/aesys/contacts/{account}",
    "/aesys/contacts/{rejected}",
    "/aim/customers",
    "/aim/customers?q=%3Cscript%3Ealert(1)%3C/script%3E",
    "/aim/customers/{customer}?tab=1",
    "/aim/customers/{customer}?tab=5",
    "/aim/customers/{customer}/edit",
    "/aim/active-e/account-relations",
    "/aim/active-e/account-relations?request={request}",
    "/aim/active-e/account-relations?request={request}&customer={customer}",
    "/aim/active-e/account-relations?request={request}&find=%3Cscript%3E",
    "/aim/active-e/orders",
    "/aim/active-e/orders?order={order}",
    "/aim/active-e/orders?order={order}&find=%3Cscript%3E",
    "/aim/active-e/orders/{order}/new-customer",
]


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_pages_escape_what_people_typed(client, hostile, make_staff, path):
    account, customer, link_request, rejected, order = hostile
    role = "web_admin" if path.startswith("/aesys") else "aim_clerk"
    login_as(client, make_staff(role))
    ids = {
        "account": account.id,
        "rejected": rejected.id,
        "customer": customer.number,
        "request": link_request.id,
        "order": order.id,
    }

    response = client.get(path.format(**ids))

    assert response.status_code == 200
    assert "<script" not in text(response)
    assert "&lt;script&gt;" in text(response)


@pytest.mark.parametrize("path", ["/account", "/AeC2Brequest"])
def test_customer_pages_escape_what_people_typed(client, hostile, path):
    account = hostile[0]
    login_as(client, account)

    response = client.get(path)

    assert "<script" not in text(response)
    assert ESCAPED in text(response)


def test_a_rejection_reason_is_escaped_for_the_customer(client, hostile):
    login_as(client, hostile[3])

    response = client.get("/account")

    assert "<script" not in text(response)
    assert ESCAPED in text(response)


def test_flashed_messages_are_escaped(client, make_staff, make_request, make_account):
    login_as(client, make_staff("aim_clerk"))

    created = client.post(
        "/aim/customers/new",
        data={"first_name": XSS, "last_name": XSS},
        follow_redirects=True,
    )
    link_request = make_request(make_account(), "", first_name=XSS)
    saved = client.post(
        f"/aim/active-e/account-relations/{link_request.id}/save",
        data={"customer_number": "201", "version": "1"},
        follow_redirects=True,
    )
    signed_up = client.post(
        "/createaccount.aspx",
        data={**ACCOUNT_FORM, "first_name": XSS},
        follow_redirects=True,
    )

    for response in (created, saved, signed_up):
        assert "<script" not in text(response)
        assert ESCAPED in text(response)
    assert flashes(created) == [f"AIM #201 {XSS} {XSS} added."]


def test_a_stale_edit_page_escapes_the_saved_values(client, make_staff, make_customer):
    customer = make_customer(city="Decatur")
    login_as(client, make_staff("aim_clerk"))
    customer.city = XSS
    db.session.commit()

    response = client.post(
        f"/aim/customers/{customer.number}/edit",
        data={"last_name": "Fine", "city": "Peoria", "version": "1"},
    )

    assert response.status_code == 409
    assert "<script" not in text(response)
    assert ESCAPED in text(response)


# Headers -------------------------------------------------------------------------


@pytest.fixture
def responses(app, client, make_account):
    """A sample of every kind of answer: pages, redirects, errors, files."""

    @app.get("/test-boom")
    def boom():
        raise RuntimeError("boom")

    account = make_account()
    answers = {
        "page": client.get("/"),
        "form": client.get("/createaccount.aspx"),
        "redirect": client.get("/account"),
        "not found": client.get("/no-such-page"),
        "method": client.get("/logout"),
        "too large": client.post("/login", data={"email": "x" * 2_000_000}),
        "static": client.get("/static/css/app.css"),
        "error": client.get("/test-boom"),
    }
    login_as(client, account)
    answers["personal"] = client.get("/account")
    return answers


@pytest.mark.parametrize(
    "kind",
    [
        "page",
        "form",
        "redirect",
        "not found",
        "method",
        "too large",
        "static",
        "error",
        "personal",
    ],
)
def test_every_response_carries_the_security_headers(responses, kind):
    headers = responses[kind].headers

    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in headers


def test_hsts_only_over_https(client):
    secure = client.get("/", base_url="https://localhost")
    plain = client.get("/")

    assert secure.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains"
    )
    assert "Strict-Transport-Security" not in plain.headers


@pytest.mark.parametrize(
    ("user", "path"),
    [
        ("customer", "/account"),
        ("customer", "/AeC2Brequest"),
        ("aim_clerk", "/aim/"),
        ("aim_clerk", "/aim/customers/{number}"),
        ("aim_clerk", "/aim/active-e/account-relations"),
        ("web_admin", "/aesys/contacts"),
    ],
)
def test_personal_pages_are_not_stored_and_vary_on_the_cookie(
    client, people, make_staff, user, path
):
    people["web_admin"] = make_staff("web_admin")
    login_as(client, people[user])

    response = client.get(path.format(number=people["aim_customer"].number))

    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    assert "Cookie" in response.vary


def test_public_pages_vary_on_the_cookie(client):
    assert "Cookie" in client.get("/").vary
    assert "Cookie" in client.get("/login").vary


# Sizes --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/login", {"email": "x" * 2_000_000, "password": "y"}),
        ("/createaccount.aspx", {**ACCOUNT_FORM, "address": "x" * 1_100_000}),
    ],
)
def test_an_oversized_body_is_a_413(client, path, data):
    response = client.post(path, data=data)

    assert response.status_code == 413
    assert "Too large" in text(response)
    assert db.session.scalar(select(WebAccount)) is None


def test_an_oversized_upload_is_a_413(client):
    response = client.post(
        "/login", data=b"x" * 1_100_000, content_type="application/octet-stream"
    )

    assert response.status_code == 413


# Unexpected errors --------------------------------------------------------------


def test_an_unexpected_error_is_a_plain_500_and_the_next_request_works(
    app, client, make_account
):
    taken = make_account(email="taken@example.com").email_key

    @app.post("/test-half-written")
    def half_written():
        db.session.add(
            WebAccount(
                email="dup",
                email_key=taken,
                password_hash="x",
                first_name="Half",
                last_name="Written",
            )
        )
        db.session.flush()
        return "unreachable"

    @app.get("/test-secret-error")
    def secret_error():
        raise RuntimeError("SELECT password_hash FROM web_accounts WHERE id = 1")

    for response in (
        client.post("/test-half-written"),
        client.get("/test-secret-error"),
    ):
        html = text(response)
        assert response.status_code == 500
        assert "Something went wrong" in html
        assert "The error was logged. Please try again." in html
        for leak in (
            "Traceback",
            "SELECT",
            "INSERT",
            "IntegrityError",
            "password_hash",
        ):
            assert leak not in html

    after = client.post("/createaccount.aspx", data=ACCOUNT_FORM)
    assert redirect_target(after) == ("/account", {})
    names = db.session.scalars(select(WebAccount.first_name).order_by(WebAccount.id))
    assert list(names) == ["Pat", "Quinn"]


def test_there_is_no_debugger(app, client):
    assert app.debug is False
    assert client.get("/console").status_code == 404
    resource = client.get("/?__debugger__=yes&cmd=resource&f=style.css")
    assert resource.mimetype == "text/html"
    assert "Music for every player" in text(resource)


# Configuration ------------------------------------------------------------------


@pytest.fixture
def no_secret(monkeypatch):
    for name in ("SECRET_KEY", "STOREFRONT_DATABASE_URL", "AIM_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_production_refuses_to_start_without_a_secret_key(no_secret, tmp_path):
    no_secret.setenv("APP_ENV", "production")

    with pytest.raises(RuntimeError, match="SECRET_KEY must be set in production"):
        build_config(str(tmp_path))
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set in production"):
        create_app()
    assert not (tmp_path / "secret_key").exists()


def test_production_with_a_secret_key_runs_without_debug(no_secret, tmp_path):
    no_secret.setenv("APP_ENV", "production")
    no_secret.setenv("SECRET_KEY", "a-configured-secret")
    sqlite = f"sqlite:///{tmp_path}/x.sqlite"
    no_secret.setenv("STOREFRONT_DATABASE_URL", sqlite)
    no_secret.setenv("AIM_DATABASE_URL", sqlite)

    production = create_app()

    assert production.config["SECRET_KEY"] == "a-configured-secret"
    assert production.config["SESSION_COOKIE_SECURE"] is True
    assert production.debug is False


def test_a_generated_secret_key_is_written_once_and_reused(no_secret, tmp_path):
    no_secret.setenv("APP_ENV", "development")

    first = build_config(str(tmp_path))["SECRET_KEY"]
    second = build_config(str(tmp_path))["SECRET_KEY"]
    elsewhere = build_config(str(tmp_path / "other"))["SECRET_KEY"]

    key_file = tmp_path / "secret_key"
    assert first == second == key_file.read_text().strip()
    assert len(first) >= 64
    assert elsewhere != first
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600


def test_a_configured_secret_key_wins_over_the_file(no_secret, tmp_path):
    (tmp_path / "secret_key").write_text("from-the-file")
    no_secret.setenv("SECRET_KEY", "from-the-environment")

    assert build_config(str(tmp_path))["SECRET_KEY"] == "from-the-environment"


def test_the_customer_ids_cannot_be_confused(client, make_account, make_staff):
    """customer:1 and staff:1 are two people; a session names which."""
    account = make_account()
    staff = make_staff("aim_manager")
    assert account.id == staff.id == 1
    login_as(client, account)

    assert redirect_target(client.get("/aim/"))[0] == "/aim/login"
    with client.session_transaction() as session:
        session["_user_id"] = f"staff:1:{account.session_token}"

    assert redirect_target(client.get("/aim/"))[0] == "/aim/login"


@pytest.mark.config(WTF_CSRF_ENABLED=True)
@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "", "Referer": "https://evil.example/form.html"},
        {"Origin": ""},
    ],
)
def test_a_tokenless_post_from_elsewhere_gets_no_resendable_copy(client, headers):
    form = {**ACCOUNT_FORM, "first_name": "Forged"}

    response = client.post("/createaccount.aspx", data=form, headers=headers)

    html = text(response)
    assert response.status_code == 400
    assert "Send again" not in html
    assert "Forged" not in html
    assert 'name="csrf_token"' not in html


HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    ("who", "method", "path", "data"),
    [
        ("customer", "GET", f"/orders/{HUGE}", {}),
        ("customer", "GET", "/orders/2147483648", {}),
        ("customer", "POST", f"/cart/{HUGE}", {"quantity": "1"}),
        ("customer", "POST", "/cart/add", {"product_id": HUGE, "quantity": "1"}),
        ("web_admin", "GET", f"/aesys/contacts/{HUGE}", {}),
        ("web_admin", "GET", f"/aesys/orders/{HUGE}", {}),
        ("aim_clerk", "GET", f"/aim/customers/{HUGE}", {}),
        ("aim_clerk", "GET", "/aim/customers/2147483648/edit", {}),
        ("aim_clerk", "POST", "/aim/active-e/orders/2147483648/lock", {}),
        (
            "aim_clerk",
            "POST",
            "/aim/active-e/account-relations/1/save",
            {"customer_number": "2147483648", "version": "1"},
        ),
    ],
)
def test_ids_too_large_for_a_column_are_refused_not_a_500(
    client, make_account, make_staff, who, method, path, data
):
    user = make_account() if who == "customer" else make_staff(who)
    login_as(client, user)

    response = client.open(path, method=method, data=data)

    assert response.status_code in (400, 404)


def test_a_guests_cart_is_not_cached(client, make_product):
    product = make_product()
    client.post("/cart/add", data={"product_id": product.id, "quantity": "1"})

    response = client.get("/cart")

    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("value", ["prod", "Production ", "staging"])
def test_an_unknown_app_env_is_refused_not_taken_for_development(
    value, monkeypatch, tmp_path
):
    from app.config import build_config

    monkeypatch.setenv("APP_ENV", value)
    monkeypatch.setenv("SECRET_KEY", "x" * 32)

    if value.strip().lower() == "production":
        assert build_config(str(tmp_path))["SESSION_COOKIE_SECURE"] is True
    else:
        with pytest.raises(RuntimeError, match="APP_ENV"):
            build_config(str(tmp_path))


@pytest.mark.parametrize(
    ("name", "value"),
    [("PAYMENT_GATEWAY", "stripe-ish"), ("STORE_TIMEZONE", "Central Time")],
)
def test_a_bad_setting_is_refused_at_start(name, value, monkeypatch, tmp_path):
    from app.config import build_config

    monkeypatch.setenv(name, value)

    with pytest.raises(RuntimeError, match=name):
        build_config(str(tmp_path))

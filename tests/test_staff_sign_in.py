"""Staff sign-in at /aesys/login and /aim/login, and signing out of them."""

import pytest

from app.extensions import db
from tests.conftest import PASSWORD, login_as
from tests.helpers import csrf_token, flashes, fresh, redirect_target, text

FAILED = "That username and password do not match a staff user."

# Each area, the role that opens it and where a sign-in lands.
AREAS = [
    pytest.param("aesys", "web_admin", "/aesys/contacts", id="aesys"),
    pytest.param("aim", "aim_clerk", "/aim/", id="aim"),
]


def sign_in(client, area, username, password=PASSWORD, **kwargs):
    return client.post(
        f"/{area}/login", data={"username": username, "password": password}, **kwargs
    )


@pytest.mark.parametrize(("area", "role", "home"), AREAS)
def test_the_page_has_the_store_s_labels(client, area, role, home):
    page = text(client.get(f"/{area}/login"))

    assert ">Username</label>" in page
    assert ">Password</label>" in page
    assert 'value="Sign in"' in page


@pytest.mark.parametrize(("area", "role", "home"), AREAS)
def test_staff_sign_in_in_any_case_and_land_home(client, make_staff, area, role, home):
    make_staff(role, username="robin.k")

    response = sign_in(client, area, "  Robin.K ")

    assert redirect_target(response) == (home, {})
    page = client.get(home)
    assert page.status_code == 200
    assert flashes(page) == ["Signed in as Test Staff."]


@pytest.mark.parametrize(("area", "role", "home"), AREAS)
@pytest.mark.parametrize("case", ["unknown user", "wrong password", "disabled"])
def test_every_failure_says_the_same(client, make_staff, area, role, home, case):
    staff = make_staff(role, username="robin")
    staff.disabled = case == "disabled"
    db.session.commit()
    username = "nobody" if case == "unknown user" else "robin"
    password = "not the password" if case == "wrong password" else PASSWORD

    response = sign_in(client, area, username, password)

    assert response.status_code == 200
    assert flashes(response) == [FAILED]
    assert redirect_target(client.get(home))[0] == f"/{area}/login"


@pytest.mark.parametrize(("area", "role", "home"), AREAS)
@pytest.mark.parametrize(
    "evil", ["//evil.com", "https://evil.com", "/\\evil.com", "javascript:alert(1)"]
)
def test_next_stays_on_the_site(client, make_staff, area, role, home, evil):
    make_staff(role, username="robin")

    response = sign_in(client, area, "robin", query_string={"next": evil})

    assert response.headers["Location"] == home


@pytest.mark.parametrize(("area", "role", "home"), AREAS)
def test_next_leads_back_to_the_page_asked_for(client, make_staff, area, role, home):
    make_staff(role, username="robin")
    asked = client.get(f"/{area}/customers" if area == "aim" else "/aesys/contacts")
    path, query = redirect_target(asked)

    response = sign_in(client, area, "robin", query_string=query)

    assert path == f"/{area}/login"
    assert response.headers["Location"] == query["next"][0]


@pytest.mark.parametrize(("area", "role", "home"), AREAS)
def test_a_customer_signing_in_as_staff_starts_a_new_session(
    client, make_account, make_staff, area, role, home
):
    login_as(client, make_account())
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    make_staff(role, username="robin")

    sign_in(client, area, "robin")

    assert client.get(home).status_code == 200
    assert client.get("/account").status_code == 403
    with client.session_transaction() as session:
        assert "planted" not in session


@pytest.mark.config(WTF_CSRF_ENABLED=True)
@pytest.mark.parametrize(("area", "role", "home"), AREAS)
def test_sign_out_is_a_post_with_csrf_and_kills_copied_cookies(
    app, client, make_staff, area, role, home
):
    make_staff(role, username="robin")
    form = client.get(f"/{area}/login")
    client.post(
        f"/{area}/login",
        data={
            "username": "robin",
            "password": PASSWORD,
            "csrf_token": csrf_token(form),
        },
    )
    page = client.get(home)
    assert ">Sign out</button>" in text(page)
    copied = client.get_cookie("session").value

    assert client.post(f"/{area}/logout").status_code == 400
    assert client.get(home).status_code == 200
    response = client.post(f"/{area}/logout", data={"csrf_token": csrf_token(page)})

    assert redirect_target(response) == (f"/{area}/login", {})
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert redirect_target(thief.get(home))[0] == f"/{area}/login"


@pytest.mark.parametrize(("area", "role", "home"), AREAS)
def test_disabling_a_staff_user_ends_their_session(
    client, make_staff, area, role, home
):
    staff = make_staff(role)
    login_as(client, staff)
    assert client.get(home).status_code == 200

    fresh(staff).disabled = True
    db.session.commit()

    assert redirect_target(client.get(home))[0] == f"/{area}/login"


@pytest.mark.config(
    RATELIMIT_ENABLED=True,
    SIGN_IN_LIMIT_PER_ACCOUNT="3/minute",
    SIGN_IN_LIMIT_PER_ADDRESS="100/minute",
)
@pytest.mark.parametrize(("area", "role", "home"), AREAS)
def test_failed_staff_sign_ins_are_throttled_per_account(
    client, make_staff, area, role, home
):
    make_staff(role, username="robin")
    for n in range(3):
        response = sign_in(
            client,
            area,
            "ROBIN",
            "not the password",
            headers={"X-Forwarded-For": f"198.51.100.{n}"},
        )
        assert response.status_code == 200

    blocked = sign_in(client, area, "robin", headers={"X-Forwarded-For": "10.0.0.1"})

    assert blocked.status_code == 429
    assert "Too many attempts in a short time." in text(blocked)
    assert redirect_target(client.get(home))[0] == f"/{area}/login"


@pytest.mark.config(
    RATELIMIT_ENABLED=True,
    SIGN_IN_LIMIT_PER_ACCOUNT="100/minute",
    SIGN_IN_LIMIT_PER_ADDRESS="3/minute",
)
@pytest.mark.parametrize(("area", "role", "home"), AREAS)
def test_failed_staff_sign_ins_are_throttled_per_address(
    client, make_staff, area, role, home
):
    make_staff(role, username="robin")
    for n in range(3):
        sign_in(client, area, f"guess{n}", headers={"X-Forwarded-For": f"10.0.0.{n}"})

    blocked = sign_in(client, area, "robin", headers={"X-Forwarded-For": "10.0.0.9"})

    assert blocked.status_code == 429
    elsewhere = sign_in(client, area, "robin", environ_base={"REMOTE_ADDR": "10.2.2.2"})
    assert redirect_target(elsewhere) == (home, {})


@pytest.mark.parametrize(("area", "role", "home"), AREAS)
def test_signed_in_staff_of_the_area_skip_the_form(
    client, make_staff, area, role, home
):
    login_as(client, make_staff(role))

    assert client.get(f"/{area}/login").headers["Location"] == home


@pytest.mark.parametrize(
    ("area", "other_role", "role", "home"),
    [
        ("aim", "web_admin", "aim_clerk", "/aim/"),
        ("aesys", "aim_manager", "web_admin", "/aesys/contacts"),
    ],
)
def test_staff_of_another_area_get_the_form_and_can_switch(
    client, make_staff, area, other_role, role, home
):
    login_as(client, make_staff(other_role))
    make_staff(role, username="robin")

    page = client.get(f"/{area}/login")
    response = sign_in(client, area, "robin")

    assert page.status_code == 200
    assert 'value="Sign in"' in text(page)
    assert redirect_target(response) == (home, {})
    assert client.get(home).status_code == 200


@pytest.mark.parametrize(
    ("path", "role", "area"),
    [
        ("/aesys/login", "aim_clerk", "the Active-e admin panel"),
        ("/aim/login", "web_admin", "AIM"),
    ],
)
def test_staff_without_the_area_role_are_not_signed_in(
    client, make_staff, path, role, area
):
    make_staff(role, username="elsewhere")

    page = client.post(path, data={"username": "elsewhere", "password": PASSWORD})

    assert page.status_code == 200
    assert f"Test Staff has no access to {area}." in page.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "_user_id" not in session


@pytest.mark.parametrize("area", ["aesys", "aim"])
def test_any_staff_member_can_sign_out_of_any_area(client, make_staff, area):
    other = {"aesys": "aim_clerk", "aim": "web_admin"}[area]
    login_as(client, make_staff(other))

    response = client.post(f"/{area}/logout")

    assert response.status_code == 302
    with client.session_transaction() as session:
        assert "_user_id" not in session


@pytest.mark.config(
    RATELIMIT_ENABLED=True,
    SIGN_IN_LIMIT_PER_ACCOUNT="3/minute",
    SIGN_IN_LIMIT_PER_ADDRESS="100/minute",
)
def test_aim_and_aesys_sign_ins_count_against_one_limit(client, make_staff):
    make_staff("aim_manager", "web_admin", username="robin")
    for _ in range(3):
        assert sign_in(client, "aim", "robin", "not the password").status_code == 200

    blocked = sign_in(client, "aesys", "robin")

    assert blocked.status_code == 429

"""RELIABILITY 7: every route of the app, for every kind of user.

The routes come from the app's own URL map, so a route added later is walked
too; it only needs its place in the tables below (its area decides the rest).
"""

import pytest

from app import create_app
from app.extensions import db
from app.models import Customer
from tests.conftest import login_as
from tests.helpers import redirect_target, snapshot

USERS = ("anonymous", "customer", "web_admin", "aim_clerk", "aim_manager")

# Anyone may open these, signed in or not, whatever their kind.
PUBLIC = {
    "static",
    "storefront.home",
    "storefront.create_account",
    "storefront.login",
    "storefront.logout",
    "aesys.login",
    "aim.login",
}
# The shop and its cart: open to anyone, staff included.
SHOP = {
    "storefront.shop",
    "storefront.show_product",
    "storefront.add_to_cart",
    "storefront.show_cart",
    "storefront.update_cart_line",
    "storefront.remove_cart_line",
}
# Checkout: a guest (who creates an account) or a customer; staff do not buy here.
GUEST_OR_CUSTOMER = {"storefront.checkout_cart"}
# Within /aim, these need a manager, not just a clerk.
MANAGER_ONLY = {"aim.unlink_customer"}
# The role each staff area requires of every route in it.
AREA_ROLES = {"aesys": "web_admin", "aim": "aim_clerk"}


def _routes() -> list[tuple[str, str, str]]:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "routes",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "SQLALCHEMY_BINDS": {"aim": "sqlite://"},
        }
    )
    return sorted(
        (method, rule.rule, rule.endpoint)
        for rule in app.url_map.iter_rules()
        for method in rule.methods & {"GET", "POST"}
    )


ROUTES = _routes()


def expected(endpoint: str, user: str) -> str:
    """'open', 'sign-in:<area>' or 'forbidden', for this user on this endpoint."""
    if endpoint in PUBLIC | SHOP or endpoint.endswith(".logout"):
        # Anyone may sign out of any area, even one their role does not reach.
        return "open"
    if endpoint in GUEST_OR_CUSTOMER:
        return "open" if user in ("anonymous", "customer") else "forbidden"
    area = endpoint.split(".")[0]
    if area == "storefront":
        if user == "anonymous":
            return "sign-in:storefront"
        return "open" if user == "customer" else "forbidden"

    role = AREA_ROLES[area]
    if user in ("anonymous", "customer"):
        return f"sign-in:{area}"
    holds = {user} | ({"aim_clerk"} if user == "aim_manager" else set())
    if role not in holds:
        return "forbidden"
    if endpoint in MANAGER_ONLY and user != "aim_manager":
        return "forbidden"
    return "open"


@pytest.fixture
def world(make_account, make_customer, make_staff, make_request, make_order):
    """Existing records for every URL parameter, and one user of each kind."""
    me = make_account()
    linked = make_account()
    customer = make_customer(active_e_id=linked.id)
    linked.aim_customer_number = customer.number
    db.session.commit()
    pending = make_request(make_account(), "573")
    order = make_order(me)
    users = {
        "customer": me,
        "web_admin": make_staff("web_admin"),
        "aim_clerk": make_staff("aim_clerk"),
        "aim_manager": make_staff("aim_manager"),
    }
    values = {
        "account_id": linked.id,
        "number": customer.number,
        "request_id": pending.id,
        "order_id": order.id,
        "sku": order.lines[0].sku,
        "product_id": order.lines[0].product_id,
        "filename": "css/app.css",
    }
    return users, values


def fill(rule: str, values: dict) -> str:
    path = rule
    while "<" in path:
        start, end = path.index("<"), path.index(">")
        name = path[start + 1 : end].split(":")[-1]
        if name not in values:
            pytest.fail(f"{rule}: add an existing record for <{name}> to world()")
        path = path[:start] + str(values[name]) + path[end + 1 :]
    return path


def is_sign_in_page(path: str) -> bool:
    return path in ("/login", "/aesys/login", "/aim/login")


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize(
    ("method", "rule", "endpoint"), ROUTES, ids=[f"{m} {r}" for m, r, _ in ROUTES]
)
def test_every_route_for_every_user(client, world, method, rule, endpoint, user):
    users, values = world
    if user != "anonymous":
        login_as(client, users[user])
    path = fill(rule, values)
    outcome = expected(endpoint, user)
    before = snapshot()

    response = client.open(path, method=method, data={})

    if outcome.startswith("sign-in:"):
        area = outcome.split(":")[1]
        login = "/login" if area == "storefront" else f"/{area}/login"
        # Only a page can be come back to; a POST cannot be replayed.
        back = {"next": [path]} if method == "GET" else {}
        assert redirect_target(response) == (login, back)
    elif outcome == "forbidden":
        assert response.status_code == 403
        assert "Not allowed" in response.get_data(as_text=True)
    else:
        assert response.status_code not in (401, 403, 404, 405)
        assert response.status_code < 500
        if method == "GET":
            assert response.status_code in (200, 302)
        if response.status_code == 302 and not endpoint.endswith(".logout"):
            assert not is_sign_in_page(redirect_target(response)[0])

    if method == "GET" or outcome != "open":
        assert snapshot() == before


def test_a_clerk_cannot_unlink_and_a_manager_can(client, world, app):
    users, values = world
    number = values["number"]
    login_as(client, users["aim_clerk"])

    refused = client.post(f"/aim/customers/{number}/unlink")

    assert refused.status_code == 403
    assert db.session.get(Customer, number).active_e_id == values["account_id"]

    login_as(client, users["aim_manager"])
    response = client.post(f"/aim/customers/{number}/unlink")

    assert redirect_target(response) == (f"/aim/customers/{number}", {"tab": ["6"]})
    db.session.expire_all()
    assert db.session.get(Customer, number).active_e_id is None


def test_the_route_tables_name_only_real_endpoints():
    """A renamed endpoint must not silently leave its rule behind."""
    endpoints = {endpoint for _, _, endpoint in ROUTES}

    assert endpoints >= PUBLIC
    assert endpoints >= SHOP | GUEST_OR_CUSTOMER
    assert endpoints >= MANAGER_ONLY

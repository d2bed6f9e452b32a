"""Fixtures: an app on fresh databases (SQLite or PostgreSQL), clients, factories.

Which databases: TEST_DATABASE=sqlite (the default) or TEST_DATABASE=postgresql,
which makes two throwaway databases on the local server and drops them after.
REQUIRE_POSTGRES=1 and REQUIRE_BROWSER=1 (set by .ci/run) turn a skip for a
missing PostgreSQL or Chromium into a failure.
"""

import os
import uuid
from itertools import count

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from app.extensions import db
from app.models import Customer, LinkRequest, Staff, WebAccount
from app.services import passwords
from app.services.customers import apply_values
from app.services.text import fold

PG_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
PASSWORD = "correct horse battery"
_PASSWORD_HASH = passwords.hash_password(PASSWORD)
_sequence = count(1)


def _required(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0", "false")


def _postgres_databases():
    """Create two empty databases; yield their URLs; drop them."""
    import psycopg

    admin = PG_ADMIN_URL.replace("+psycopg", "")
    names = [f"test_{kind}_{uuid.uuid4().hex[:8]}" for kind in ("storefront", "aim")]
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            for name in names:
                conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        if _required("REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL is required but unreachable: {error}")
        pytest.skip(f"PostgreSQL unreachable: {error}")
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    yield [f"{base}/{name}" for name in names]
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory):
    """The two database URLs of this test run, with the schema migrated in."""
    kind = os.environ.get("TEST_DATABASE", "sqlite")
    if kind == "postgresql":
        generator = _postgres_databases()
        urls = next(generator)
    else:
        folder = tmp_path_factory.mktemp("db")
        urls = [
            f"sqlite:///{folder}/storefront.sqlite",
            f"sqlite:///{folder}/aim.sqlite",
        ]
        generator = None

    _migrate(urls)
    yield urls
    if generator is not None:
        next(generator, None)


@pytest.fixture(scope="session")
def postgres_urls():
    """Two migrated PostgreSQL databases, even when the suite runs on SQLite.

    So that a plain ``make test`` on a machine without PostgreSQL says so.
    """
    generator = _postgres_databases()
    urls = next(generator)
    _migrate(urls)
    yield urls
    next(generator, None)


def _migrate(urls) -> None:
    app = create_app(_overrides(urls, {}))
    with app.app_context():
        upgrade(directory=os.path.join(app.root_path, "..", "migrations"))
        db.engines[None].dispose()
        db.engines["aim"].dispose()


def _overrides(urls, extra):
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": urls[0],
        "SQLALCHEMY_BINDS": {"aim": urls[1]},
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        **extra,
    }


def clean_databases() -> None:
    """Empty every table of both databases; customer numbers restart at 201."""
    for bind_key in (None, "aim"):
        engine = db.engines[bind_key]
        tables = db.metadatas[bind_key].sorted_tables
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                names = ", ".join(table.name for table in tables)
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
                continue
            for table in reversed(tables):
                conn.execute(table.delete())
            if bind_key == "aim":
                conn.execute(text("UPDATE sqlite_sequence SET seq = 200"))


class FreshRequestClient(FlaskClient):
    """A test client whose every request runs as a real one would.

    The test keeps an app context (and its db.session) for the whole test;
    each request gets its own, so it has a fresh `g` and its own session, as
    under gunicorn. The test's work is committed first (on SQLite a pending
    transaction would hold the write lock the request needs) and its objects
    are expired after, so they show what the request wrote.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Browsers name the page's origin on every form post; so does this client.
        self.environ_base["HTTP_ORIGIN"] = "http://localhost"

    def open(self, *args, **kwargs):
        db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response


@pytest.fixture
def app(request, database_urls):
    """A fresh app on clean databases; @pytest.mark.config(...) overrides settings."""
    marker = request.node.get_closest_marker("config")
    extra = marker.kwargs if marker else {}
    app = create_app(_overrides(database_urls, extra))
    app.test_client_class = FreshRequestClient
    with app.app_context():
        clean_databases()
        yield app
        db.session.remove()
        db.engines[None].dispose()
        db.engines["aim"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def login_as(client, user) -> None:
    """Sign the test client in as a customer or staff user, skipping the form."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


@pytest.fixture
def make_account(app):
    def make(**values) -> WebAccount:
        n = next(_sequence)
        fields = {
            "first_name": "Pat",
            "last_name": f"Customer{n}",
            "email": f"pat{n}@example.com",
            "phone": "(217) 555-0100",
            "address": "1 Main St",
            "city": "Springfield",
            "state": "IL",
            "postal_code": "62701",
        }
        fields.update(values)
        fields.setdefault("email_key", fields["email"].casefold())
        fields.setdefault(
            "search_name", fold(f"{fields['first_name']} {fields['last_name']}")
        )
        account = WebAccount(password_hash=_PASSWORD_HASH, **fields)
        db.session.add(account)
        db.session.commit()
        return account

    return make


@pytest.fixture
def make_customer(app):
    def make(**values) -> Customer:
        n = next(_sequence)
        fields = {
            "first_name": "Alex",
            "last_name": f"Player{n}",
            "company": "",
            "address": "2 Oak St",
            "city": "Springfield",
            "state": "IL",
            "postal_code": "62702",
            "phone": "(217) 555-0200",
            "mobile": "",
            "email": f"alex{n}@example.com",
            "email_statements": False,
            "notes": "",
        }
        active_e_id = values.pop("active_e_id", None)
        fields.update(values)
        customer = Customer(active_e_id=active_e_id)
        apply_values(customer, fields)
        db.session.add(customer)
        db.session.commit()
        return customer

    return make


@pytest.fixture
def make_staff(app):
    def make(*roles: str, username: str | None = None) -> Staff:
        staff = Staff(
            username=username or f"staff{next(_sequence)}",
            display_name="Test Staff",
            roles=",".join(roles or ("aim_clerk",)),
            password_hash=_PASSWORD_HASH,
        )
        db.session.add(staff)
        db.session.commit()
        return staff

    return make


@pytest.fixture
def make_request(app):
    def make(account: WebAccount, aim_number: str = "", **values) -> LinkRequest:
        fields = {
            "first_name": account.first_name,
            "last_name": account.last_name,
            "email": account.email,
            "phone": account.phone,
            "address": account.address,
            "city": account.city,
            "state": account.state,
            "postal_code": account.postal_code,
        }
        fields.update(values)
        link_request = LinkRequest(
            web_account_id=account.id, aim_number_typed=aim_number, **fields
        )
        db.session.add(link_request)
        db.session.commit()
        return link_request

    return make


@pytest.fixture
def make_order(app, make_account):
    """A placed web order of one line, as checkout would leave it."""
    from app.models import Order, OrderLine, Product

    def make(account: WebAccount | None = None, **values) -> Order:
        account = account or make_account()
        n = next(_sequence)
        product = Product(
            sku=f"SKU-{n}", name=f"Valve oil {n}", price_cents=899, stock=10
        )
        db.session.add(product)
        db.session.flush()
        fields = {
            "web_account_id": account.id,
            "checkout_token": f"token-{n}-{uuid.uuid4().hex}",
            "email": account.email,
            "billing_first_name": account.first_name,
            "billing_last_name": account.last_name,
            "billing_phone": account.phone,
            "billing_address": account.address,
            "billing_city": account.city,
            "billing_state": account.state,
            "billing_postal_code": account.postal_code,
            "shipping_name": account.full_name,
            "shipping_address": account.address,
            "shipping_city": account.city,
            "shipping_state": account.state,
            "shipping_postal_code": account.postal_code,
            "subtotal_cents": 1798,
            "tax_cents": 130,
            "total_cents": 1928,
            "payment_method": "pay_on_pickup",
        }
        fields.update(values)
        order = Order(**fields)
        order.lines = [
            OrderLine(
                product_id=product.id,
                sku=product.sku,
                name=product.name,
                quantity=2,
                unit_price_cents=899,
                line_total_cents=1798,
            )
        ]
        db.session.add(order)
        db.session.commit()
        return order

    return make


@pytest.fixture
def make_product(app):
    """A product on sale; its search name is made the way the catalogue makes it."""
    from sqlalchemy import select

    from app.models import Category, Product
    from app.services.catalog import search_name_of

    def make(category: Category | str | None = None, **values) -> Product:
        n = next(_sequence)
        fields = {
            "sku": f"TST-{n}",
            "name": f"Test trumpet {n}",
            "price_cents": 10_000,
            "stock": 5,
        }
        fields.update(values)
        fields.setdefault("search_name", search_name_of(fields["name"], fields["sku"]))
        if isinstance(category, str):
            slug = fold(category).replace(" ", "-")
            category = db.session.scalar(
                select(Category).where(Category.slug == slug)
            ) or Category(name=category, slug=slug)
        product = Product(category=category, **fields)
        db.session.add(product)
        db.session.commit()
        return product

    return make

"""PostgreSQL checks that run even when the suite runs on SQLite.

A plain `make test` on a machine without PostgreSQL skips these and says why;
REQUIRE_POSTGRES=1 (set by .ci/run) makes that a failure.
"""

import pytest
from sqlalchemy import insert, inspect
from sqlalchemy.exc import IntegrityError

from app import create_app
from app.extensions import db
from app.models import Customer, LinkRequest, WebAccount


@pytest.fixture
def pg_app(postgres_urls):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": postgres_urls[0],
            "SQLALCHEMY_BINDS": {"aim": postgres_urls[1]},
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        yield app
        db.engines[None].dispose()
        db.engines["aim"].dispose()


def _account(conn, n: int, **values) -> int:
    row = {
        "email": f"pg{n}@example.com",
        "email_key": f"pg{n}@example.com",
        "password_hash": "x",
        "first_name": "Pat",
        "last_name": f"Pg{n}",
        **values,
    }
    return conn.execute(insert(WebAccount).returning(WebAccount.id), row).scalar_one()


def _customer(conn, **values) -> int:
    row = {"first_name": "Alex", "last_name": "Pg", **values}
    return conn.execute(insert(Customer).returning(Customer.number), row).scalar_one()


def test_migrations_build_both_databases(pg_app):
    storefront = set(inspect(db.engines[None]).get_table_names())
    aim = set(inspect(db.engines["aim"]).get_table_names())

    assert {"web_accounts", "link_requests", "alembic_version"} <= storefront
    assert {"customers", "staff", "audit_entries", "alembic_version"} <= aim
    assert "customers" not in storefront and "web_accounts" not in aim


def test_the_databases_refuse_a_second_link_either_way(pg_app):
    with db.engines["aim"].connect() as conn:
        first = _customer(conn, active_e_id=7)
        assert first == 201
        with pytest.raises(IntegrityError):
            _customer(conn, active_e_id=7)
        conn.rollback()

    with db.engines[None].connect() as conn:
        account = _account(conn, 1, aim_customer_number=573)
        with pytest.raises(IntegrityError):
            _account(conn, 2, aim_customer_number=573)
        conn.rollback()

    with db.engines[None].connect() as conn:
        account = _account(conn, 3)
        request = {"web_account_id": account, "first_name": "Pat", "email": "e"}
        request |= {"last_name": "Pg", "status": "pending"}
        conn.execute(insert(LinkRequest), request)
        conn.execute(insert(LinkRequest), {**request, "status": "rejected"})
        with pytest.raises(IntegrityError):
            conn.execute(insert(LinkRequest), {**request, "status": "linking"})
        conn.rollback()

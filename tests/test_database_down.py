"""Promise 23: a database that goes away gets a clear 503, and recovery after."""

import time

import pytest
from sqlalchemy import create_engine

from app.extensions import db
from tests.conftest import login_as

# Nothing listens on port 1: connecting is refused at once, like a server down.
UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/gone"


@pytest.fixture
def database_down(app):
    """Swap one database's engine for an unreachable one; put it back after."""
    engines = db._app_engines[app]
    saved = dict(engines)

    def take_down(bind_key):
        engines[bind_key] = create_engine(
            UNREACHABLE, connect_args={"connect_timeout": 3}
        )

    yield take_down
    engines.update(saved)


@pytest.mark.parametrize(
    ("who", "bind_key", "path"),
    [
        ("staff", "aim", "/aim/customers"),
        ("staff", None, "/aim/active-e/account-relations"),
        ("customer", None, "/account"),
        ("customer", None, "/shop"),
        ("anonymous", None, "/shop"),
    ],
)
def test_a_missing_database_is_a_503_page_then_recovery(
    client, make_staff, make_account, database_down, who, bind_key, path
):
    if who == "staff":
        login_as(client, make_staff("aim_clerk"))
    elif who == "customer":
        login_as(client, make_account())
    database_down(bind_key)

    started = time.monotonic()
    down = client.get(path)
    elapsed = time.monotonic() - started

    assert down.status_code == 503
    assert "database is not answering" in down.get_data(as_text=True)
    assert "Traceback" not in down.get_data(as_text=True)
    assert elapsed < 5


def test_the_next_request_works_once_the_database_is_back(
    client, make_staff, database_down, app
):
    login_as(client, make_staff("aim_clerk"))
    engines = db._app_engines[app]
    aim = engines["aim"]
    database_down("aim")
    assert client.get("/aim/customers").status_code == 503

    engines["aim"] = aim

    assert client.get("/aim/customers").status_code == 200

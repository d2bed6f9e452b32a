"""Promise 4: sign-in throttling lives in Redis, shared by every worker.

Two separate app instances (as two gunicorn workers would be) count against
one limit. Needs the local Redis; without it the test is skipped, unless
REQUIRE_REDIS=1 (set by .ci/run), which makes that a failure.
"""

import os
import socket
import uuid

import pytest

from app import create_app
from tests.conftest import _overrides

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_available():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError as error:
        if os.environ.get("REQUIRE_REDIS", "") not in ("", "0", "false"):
            pytest.fail(f"Redis is required but unreachable: {error}")
        pytest.skip(f"Redis unreachable: {error}")


def test_two_workers_share_one_sign_in_limit(app, database_urls, redis_available):
    settings = {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "SIGN_IN_LIMIT_PER_ACCOUNT": "2/minute",
    }
    workers = [create_app(_overrides(database_urls, settings)) for _ in range(2)]
    # A fresh address each run: the counters outlive the test for a minute.
    form = {"email": f"guess-{uuid.uuid4().hex}@example.com", "password": "nope"}

    first = workers[0].test_client().post("/login", data=form)
    second = workers[1].test_client().post("/login", data=form)
    third = workers[0].test_client().post("/login", data=form)

    assert [first.status_code, second.status_code, third.status_code] == [
        200,
        200,
        429,
    ]

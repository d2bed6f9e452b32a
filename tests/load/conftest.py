"""The app under gunicorn (3 workers) on the test databases.

Traffic goes only to 127.0.0.1, to the server started here, and every burst
is bounded in count and time. Each test starts from clean databases (the
``app`` fixture), so the tests can check the rows the burst left behind.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 30
STOP_TIMEOUT = 15
# "database unavailable" is how the app logs an OperationalError it answered
# with a 503, which on SQLite is "database is locked" after the busy timeout.
TROUBLE = (
    "Traceback",
    "database is locked",
    "database unavailable",
    "WORKER TIMEOUT",
    "[CRITICAL]",
)
SERVER_ERROR = re.compile(r'" 5\d\d ')


def _gunicorn() -> str:
    beside_python = Path(sys.executable).parent / "gunicorn"
    for candidate in (beside_python, ROOT / ".venv/bin/gunicorn"):
        if candidate.exists():
            return str(candidate)
    found = shutil.which("gunicorn")
    if found is None:
        pytest.fail("gunicorn is not installed; run make install")
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _read_from(path: Path, offset: int) -> str:
    with path.open(errors="replace") as handle:
        handle.seek(offset)
        return handle.read()


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    stderr_path: Path
    stdout_path: Path

    def log_sizes(self) -> tuple[int, int]:
        return self.stderr_path.stat().st_size, self.stdout_path.stat().st_size

    def trouble_since(self, sizes: tuple[int, int]) -> list[str]:
        """Failures logged since sizes: errors on stderr, 5xx in the access log."""
        errors = _read_from(self.stderr_path, sizes[0]).splitlines()
        access = _read_from(self.stdout_path, sizes[1]).splitlines()
        return [line for line in errors if any(t in line for t in TROUBLE)] + [
            line for line in access if SERVER_ERROR.search(line)
        ]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=STOP_TIMEOUT)


def _wait_until_answering(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            if requests.get(server.url + "/", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    server.stop()
    tail = server.stderr_path.read_text(errors="replace")[-3000:]
    pytest.fail(f"gunicorn did not answer within {START_TIMEOUT}s:\n{tail}")


@pytest.fixture(scope="module")
def server(database_urls, tmp_path_factory):
    """gunicorn with 3 workers (the production config) on a free loopback port."""
    folder = tmp_path_factory.mktemp("gunicorn")
    port = _free_port()
    env = {
        **os.environ,
        "STOREFRONT_DATABASE_URL": database_urls[0],
        "AIM_DATABASE_URL": database_urls[1],
        "SECRET_KEY": "load-test-secret-key",
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    command = [
        _gunicorn(),
        "--config",
        "gunicorn.conf.py",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "3",
        "--graceful-timeout",
        "5",
        # The default control socket is one path per user: a second gunicorn
        # (make run, another test run) would take it over and delete it.
        "--no-control-socket",
        "wsgi:app",
    ]
    stdout_path, stderr_path = folder / "stdout.log", folder / "stderr.log"
    with stdout_path.open("wb") as out, stderr_path.open("wb") as err:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=err, start_new_session=True
        )
    running = Server(f"http://127.0.0.1:{port}", process, stderr_path, stdout_path)
    _wait_until_answering(running)
    yield running
    running.stop()


@pytest.fixture
def quiet_server(server, app):
    """The server, checked after the test: no traceback or lock error in its log.

    The test's own database session is closed first: on SQLite an open
    transaction would hold the write lock every worker waits for.
    """
    from app.extensions import db

    db.session.close()
    sizes = server.log_sizes()
    yield server
    trouble = server.trouble_since(sizes)
    log = _read_from(server.stderr_path, sizes[0])
    assert trouble == [], f"gunicorn logged a failure; its stderr:\n{log[-6000:]}"

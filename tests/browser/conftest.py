"""A live server on the test databases, and Debian's Chromium driven by Playwright.

Playwright's own browser download does not work here, so the tests launch the
system Chromium (CHROMIUM_PATH, /usr/bin/chromium by default). Without it, or
without the playwright package, the tests are skipped with the reason, unless
REQUIRE_BROWSER=1 (set by .ci/run), which makes that a failure.
"""

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app.extensions import db

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _browser_unavailable(reason: str):
    if os.environ.get("REQUIRE_BROWSER", "") not in ("", "0", "false"):
        pytest.fail(f"The browser is required but unavailable: {reason}")
    pytest.skip(f"Browser unavailable: {reason}")


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError as error:
        _browser_unavailable(f"the playwright package is missing ({error})")
    if not os.access(CHROMIUM, os.X_OK):
        _browser_unavailable(f"{CHROMIUM} is missing; apt-get install chromium")

    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
        except Error as error:
            _browser_unavailable(f"{CHROMIUM} did not start: {error.message}")
        yield chromium
        chromium.close()


@pytest.fixture
def live_server(app):
    """The test app served on 127.0.0.1 by a werkzeug thread, CSRF switched on.

    The test's own session is closed first: on SQLite an open transaction
    would hold the write lock the server's requests wait for.
    """
    app.config.update(WTF_CSRF_ENABLED=True, TESTING=False)
    db.session.close()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture
def new_page(browser, live_server, request):
    """Open pages in fresh contexts (one per person); all close at the end."""
    contexts = []

    def open_page(width: int = 1280, height: int = 900):
        context = browser.new_context(
            base_url=live_server, viewport={"width": width, "height": height}
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot(request):
    """Save a full-page screenshot under test-artifacts/<database>/<test>/."""
    kind = os.environ.get("TEST_DATABASE", "sqlite")
    folder = ARTIFACTS / kind / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    counter = iter(range(1, 100))

    def take(page, name: str) -> Path:
        path = folder / f"{next(counter):02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take

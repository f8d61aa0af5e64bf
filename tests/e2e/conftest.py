"""Browser fixtures: a live server (CSRF on) and Debian's Chromium driven by Playwright.

Playwright's own browser downloads are never used: the tests launch /usr/bin/chromium.
A failing browser test leaves a screenshot of each open page in test-artifacts/.
"""

import re
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import skip_or_fail
from vbe_learn import create_app
from vbe_learn.core.config import TestConfig
from vbe_learn.core.extensions import db

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT_MS = 15_000


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can see a failure."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def live_app(app):
    """A second app on the same database as `app`, with CSRF protection switched on."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    config = type("LiveConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url})
    config.WTF_CSRF_ENABLED = True  # TestConfig switches it off; the browser sends real forms
    live = create_app(config)
    yield live
    with live.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app):
    """Serve live_app on a free local port in a daemon thread; yield the base URL."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    live_app.config["PUBLIC_BASE_URL"] = base_url  # links in pages and set-password links
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield base_url
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium (skipped locally, a failure in CI, when it cannot start)."""
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError as error:
        skip_or_fail(f"playwright is not installed: {error}")
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
    except Error as error:
        playwright.stop()
        skip_or_fail(f"Chromium could not be started: {error}")
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def new_context(browser, live_server, request):
    """Make browser contexts (each its own cookie jar) for the live server; closed afterwards."""
    contexts = []

    def make():
        context = browser.new_context(base_url=live_server, locale="sv-SE", accept_downloads=True)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    failed = any(
        getattr(request.node, f"report_{when}", None) is not None
        and getattr(request.node, f"report_{when}").failed
        for when in ("setup", "call")
    )
    for number, context in enumerate(contexts, 1):
        if failed:
            _screenshot(context, f"{request.node.name}-{number}")
        context.close()


@pytest.fixture
def page(new_context):
    """A page in a fresh browser context."""
    return new_context().new_page()


def _screenshot(context, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    safe = re.sub(r"[^\w.-]+", "_", name)
    for number, open_page in enumerate(context.pages, 1):
        try:
            open_page.screenshot(path=str(ARTIFACTS / f"{safe}-{number}.png"), full_page=True)
        except Exception:  # noqa: S110 - a screenshot is only a help when debugging
            pass

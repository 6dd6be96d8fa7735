"""Browser tests: Playwright driving Debian's Chromium against Django's live server.

Run with `make e2e` (not part of `make test`). Screenshots land in artifacts/.
"""

import os
from pathlib import Path

import pytest

from seminars.devdata.demo import load_demo

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from
# a thread with a running loop unless told this is fine (it is: the loop is Playwright's).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not at {CHROMIUM}: run `make e2e`, which installs it")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "timezone_id": "America/New_York", "locale": "en-GB"}


@pytest.fixture
def site(live_server, demo_data, settings):
    """The demo series on a live server; absolute links point at it."""
    settings.SITE_URL = live_server.url
    load_demo(demo_data)
    return live_server


@pytest.fixture
def csp_violations(page):
    """Collect Content-Security-Policy violations reported on the page's console."""
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return violations


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot under artifacts/ for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str, target=None) -> Path:
        path = ARTIFACTS / f"{name}.png"
        (target or page).screenshot(path=str(path), full_page=True)
        return path

    return take


def pytest_collection_modifyitems(items):
    for item in items:
        # pytest-base-url (a pytest-playwright dependency) defines its session fixture in a
        # way pytest 9 deprecates; it is not ours to fix, and warnings are errors here.
        item.add_marker(pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"))

"""Browser tests: Playwright drives Debian's Chromium against a live server.

Every test here is marked ``browser``; run only these with ``make test PYTEST_ARGS="-m browser"``.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from accounts.demo import PASSWORD

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def pytest_collection_modifyitems(items):
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def demo(transactional_db):
    """The demo firms exactly as `make run` loads them."""
    call_command("demo", verbosity=0)


@pytest.fixture(params=[DESKTOP, PHONE], ids=["desktop", "phone"])
def viewport(request):
    return request.param


@pytest.fixture
def login(live_server, page):
    """login(email) logs in through the real form and returns the page."""

    def do(email, password=PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("E-post").fill(email)
        page.get_by_label("Passord").fill(password)
        page.get_by_role("button", name="Logg inn").click()
        page.wait_for_load_state()
        return page

    return do


@pytest.fixture
def axe():
    axe = Axe()

    def check(page):
        results = axe.run(page)
        assert results.violations_count == 0, results.generate_report()

    return check

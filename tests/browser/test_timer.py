""" "Tidtaker" on a phone: a timer started on "Før timer" runs on the server, through a
reload and on a second phone of the same user, where it is stopped into an entry."""

from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from accounts.demo import PASSWORD
from accounts.models import Company
from accounts.permissions import Role
from timesheets.models import TimeEntry, Timer

from ..factories import CustomerFactory, ProjectFactory, UserFactory
from .conftest import PHONE

EMAIL = "tidtaker@example.no"


@pytest.fixture
def firm(transactional_db):
    """One firm with one employee and one project: all the timer needs."""
    company = Company.objects.create(name="Tidtaker AS", timer_rounding=15)
    user = UserFactory(company=company, email=EMAIL, name="Tuva Tid", role=Role.EMPLOYEE)
    user.set_password(PASSWORD)
    user.save()
    customer = CustomerFactory(company=company, name="Kari Nordmann")
    return ProjectFactory(company=company, customer=customer, name="Nytt bad")


def log_in(page, url):
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("E-post").fill(EMAIL)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", name="Mine timer")).to_be_visible()


def test_a_timer_runs_through_a_reload_and_is_stopped_on_a_second_phone(
    firm, page, browser, live_server
):
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/timesheets/new/?project={firm.pk}")
    page.get_by_role("button", name="Start tidtaker").click()

    timer = page.get_by_role("region", name="Tidtaker går")
    expect(timer).to_contain_text("Nytt bad")
    page.reload()
    expect(timer).to_contain_text("Nytt bad")
    expect(page.locator(".timer-pill")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    results = Axe().run(page, context={"include": [["#timer"], [".timer-pill"]]})
    assert results.violations_count == 0, results.generate_report()

    # The same user's second phone: its own browser, its own session.
    other = browser.new_context(viewport=PHONE)
    second = other.new_page()
    log_in(second, live_server.url)
    second.get_by_role("region", name="Tidtaker går").get_by_role("button", name="Stopp").click()
    dialog = second.get_by_role("dialog", name="Endre timer")
    expect(dialog.get_by_label("Beskrivelse")).to_be_focused()
    dialog.get_by_label("Beskrivelse").fill("Flislegging")
    dialog.get_by_role("button", name="Lagre").click()
    expect(second.get_by_role("dialog")).to_be_hidden()
    expect(second.locator(".entry.highlight")).to_contain_text("Flislegging")
    other.close()

    entry = TimeEntry.objects.get(description="Flislegging")
    assert entry.project == firm and entry.hours == Decimal("0.25")
    assert not Timer.objects.exists()
    page.reload()
    expect(page.get_by_role("region", name="Tidtaker går")).to_have_count(0)
    expect(page.locator(".timer-pill")).to_have_count(0)

""" "Fravær" on a phone: an employee asks for holiday next week, a moderator approves it
on another phone, and the employee's week shows it on those days while the holiday days
left drop by as many."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.demo import PASSWORD
from accounts.models import Company
from accounts.permissions import Role
from timesheets.selectors import Week
from worktime.calendar import public_holidays
from worktime.models import Absence, AbsenceStatus

from ..factories import UserFactory
from .conftest import PHONE

EMPLOYEE, MODERATOR = "ferie@example.no", "leder@example.no"


@pytest.fixture
def firm(transactional_db):
    """One firm with an employee and a moderator: all absence needs."""
    company = Company.objects.create(name="Ferie AS")
    for email, name, role in (
        (EMPLOYEE, "Frida Fjell", Role.EMPLOYEE),
        (MODERATOR, "Leif Leder", Role.MODERATOR),
    ):
        user = UserFactory(company=company, email=email, name=name, role=role)
        user.set_password(PASSWORD)
        user.save()
    return company


def log_in(page, url, email):
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def days_left(page, url):
    page.goto(f"{url}/worktime/absence/")
    return Decimal(page.locator("#balances .left").inner_text().replace(",", "."))


def test_holiday_asked_for_on_a_phone_and_approved_shows_in_the_week_and_the_days_left(
    firm, page, browser, live_server, axe
):
    today = timezone.localdate()
    week = Week.of(today + datetime.timedelta(days=7))
    start, end = week.monday + datetime.timedelta(days=1), week.monday + datetime.timedelta(days=3)
    holiday = [
        start + datetime.timedelta(days=n)
        for n in range(3)
        if start + datetime.timedelta(days=n) not in public_holidays(start, end)
    ]
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, EMPLOYEE)
    before = days_left(page, live_server.url)
    page.get_by_label("Type").select_option(label="Ferie")
    page.get_by_label("Fra").fill(start.strftime("%d.%m.%Y"))
    page.get_by_label("Til").fill(end.strftime("%d.%m.%Y"))
    page.get_by_role("button", name="Send søknad").click()
    expect(page.get_by_text("Søknaden din er sendt til godkjenning.")).to_be_visible()

    # The moderator's phone: their own browser, their own session.
    other = browser.new_context(viewport=PHONE)
    second = other.new_page()
    log_in(second, live_server.url, MODERATOR)
    second.goto(f"{live_server.url}/worktime/absence/requests/")
    card = second.locator("form.card", has_text="Frida Fjell: Ferie")
    card.get_by_role("button", name="Godkjenn").click()
    expect(second.get_by_text("Fraværet til Frida Fjell er godkjent.")).to_be_visible()
    expect(second.get_by_text("Ingen søknader venter.")).to_be_visible()
    other.close()
    assert Absence.objects.get().status == AbsenceStatus.APPROVED

    page.goto(f"{live_server.url}/timesheets/?week={week}")
    for n in range(7):
        day = week.monday + datetime.timedelta(days=n)
        section = page.locator(f'section[aria-labelledby="day-{day:%Y-%m-%d}"]')
        if day in holiday:
            expect(section.locator(".day-absence")).to_have_text("Ferie 7,5 t")
        else:
            expect(section.locator(".day-absence")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    axe(page)
    # The page shows this year's days left; next week's days of this year drop them.
    dropped = sum(1 for day in holiday if day.year == today.year)
    assert days_left(page, live_server.url) == before - dropped

""" "Lever uke" in a real browser: an employee hands in last week on a phone, and its
entries can no longer be changed by them."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from timesheets.models import TimeEntry
from timesheets.selectors import Week

from .conftest import PHONE


def test_employee_hands_in_a_week_on_a_phone_and_can_no_longer_change_it(
    demo, page, login, live_server
):
    employee = User.objects.get(email="ansatt@demo.no")
    week = Week.of(timezone.localdate() - datetime.timedelta(days=7))
    entry = TimeEntry.objects.create(
        company=employee.company, user=employee, date=week.monday, hours=4, description="Rigg"
    )
    page.set_viewport_size(PHONE)
    login("ansatt@demo.no")
    page.goto(f"{live_server.url}/timesheets/?week={week}")
    page.get_by_role("link", name="Lever uke").click()
    expect(page.get_by_role("heading", name=f"Lever uke {week.number}")).to_be_visible()
    expect(page.get_by_role("heading", name="Normaltid, overtid og timebank")).to_be_visible()
    page.get_by_role("button", name="Lever uke").click()
    expect(page.get_by_text(f"Uke {week.number} er levert.")).to_be_visible()
    expect(page.locator("#worktime-summary .hand-in-status")).to_contain_text("Levert")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    refused = page.goto(f"{live_server.url}/timesheets/{entry.pk}/edit/")
    assert refused.status == 403
    entry.refresh_from_db()
    assert entry.hours == 4

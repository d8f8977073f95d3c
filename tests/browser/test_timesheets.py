"""Hours in a real browser: an employee logs hours on a phone, a moderator approves
them, the entry locks, and deleting the customer keeps its name on the entry."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from customers.models import Customer
from projects.models import Project
from timesheets.models import TimeEntry

from .conftest import DESKTOP, PHONE, log_out

DESCRIPTION = "Membran i dusjsone"


def week_total(page):
    text = page.locator("#week .week-total .total").inner_text()
    return float(text.removesuffix(" t").replace("\xa0", "").replace(",", "."))


def test_employee_logs_hours_moderator_approves_entry_locks_customer_deleted(
    demo, page, login, live_server
):
    # Nothing logged today yet, so 7,5 hours more is no long day to ask about.
    TimeEntry.objects.filter(user__email="ansatt@demo.no", date=timezone.localdate()).update(
        deleted_at=timezone.now()
    )
    page.set_viewport_size(PHONE)
    login("ansatt@demo.no")
    project = Project.objects.get(company__name="Demo Bygg AS", name="Nytt bad")
    customer = project.customer

    # Counted interactions, from the start page to a saved entry.
    interactions = 0

    def act(locator_action):
        nonlocal interactions
        interactions += 1
        locator_action()

    act(lambda: page.get_by_role("button", name="Meny").click())
    act(
        lambda: (
            page.get_by_role("navigation", name="Hovedmeny")
            .get_by_role("link", name="Timer")
            .click()
        )
    )
    before = week_total(page)
    act(lambda: page.get_by_role("link", name="Før timer", exact=True).click())
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Dato")).to_be_visible()
    act(lambda: dialog.get_by_label("Timer", exact=True).fill("7,5"))
    act(lambda: dialog.get_by_role("combobox", name="Prosjekt", exact=True).fill("nytt bad"))
    act(
        lambda: dialog.get_by_role(
            "option", name=f"{project.number} Nytt bad – {customer.name}"
        ).click()
    )
    # Choosing the project filled in its customer.
    expect(dialog.locator("#id_customer")).to_have_value(str(customer.pk))
    act(lambda: dialog.get_by_label("Beskrivelse").fill(DESCRIPTION))
    act(lambda: dialog.get_by_role("button", name="Lagre").click())
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(page.locator("#week").get_by_text(DESCRIPTION)).to_be_visible()
    assert interactions < 10
    assert week_total(page) == pytest.approx(before + 7.5)
    entry = TimeEntry.objects.get(description=DESCRIPTION)
    assert float(entry.hours) == 7.5 and entry.project == project and entry.customer == customer
    page.screenshot(path="/tmp/time-week-phone-after-save.png", full_page=True)

    # A moderator approves it in "Timeoversikt".
    log_out(page)
    page.set_viewport_size(DESKTOP)
    login("moderator@demo.no")
    page.goto(f"{live_server.url}/timesheets/overview/?status=open")
    row = page.locator(f"#row-{entry.pk}")
    row.get_by_role("button", name="Godkjenn").click()
    expect(page.locator("#messages")).to_contain_text("godkjent")
    entry.refresh_from_db()
    assert entry.approved_by.email == "moderator@demo.no"

    # The employee can no longer edit it.
    log_out(page)
    page.set_viewport_size(PHONE)
    login("ansatt@demo.no")
    page.goto(f"{live_server.url}/timesheets/")
    item = page.locator(f"#entry-{entry.pk}")
    expect(item.get_by_text("Godkjent")).to_be_visible()
    expect(item.get_by_role("link", name=re.compile("Endre"))).to_have_count(0)
    expect(item.get_by_role("link", name=re.compile("Slett"))).to_have_count(0)
    response = page.goto(f"{live_server.url}/timesheets/{entry.pk}/edit/")
    assert response.status == 403

    # The customer is deleted; the entry keeps its name.
    log_out(page)
    page.set_viewport_size(DESKTOP)
    login("moderator@demo.no")
    page.goto(f"{live_server.url}/customers/{customer.pk}/delete/")
    with page.expect_navigation():
        page.get_by_role("button", name="Slett kunde").click()
    assert Customer.objects.get(pk=customer.pk).deleted_at is not None
    page.goto(f"{live_server.url}/timesheets/?user={entry.user_id}")
    expect(page.locator(f"#entry-{entry.pk}")).to_contain_text(f"{customer.name} (slettet)")
    page.goto(f"{live_server.url}/timesheets/overview/")
    expect(page.locator(f"#row-{entry.pk}")).to_contain_text(f"{customer.name} (slettet)")
    entry.refresh_from_db()
    assert entry.customer_id == customer.pk


def test_edit_and_delete_in_place(demo, page, login, live_server):
    page.set_viewport_size(PHONE)
    login("ansatt2@demo.no")
    user = User.objects.get(email="ansatt2@demo.no")
    entry = TimeEntry.objects.create(
        company=user.company, user=user, date=timezone.localdate(), hours=Decimal("1")
    )
    page.goto(f"{live_server.url}/timesheets/")
    item = page.locator(f"#entry-{entry.pk}")
    item.get_by_role("link", name=re.compile("Endre")).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Timer", exact=True).fill("25")
    dialog.get_by_role("button", name="Lagre").click()
    expect(dialog.locator(".error")).to_contain_text("24 timer")
    dialog.get_by_label("Timer", exact=True).fill("2,5")
    dialog.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(item.locator(".entry-hours")).to_have_text("2,5 t")
    page.once("dialog", lambda d: d.accept())
    item.get_by_role("link", name=re.compile("Slett")).click()
    expect(page.locator(f"#entry-{entry.pk}")).to_have_count(0)
    assert not TimeEntry.objects.alive().filter(pk=entry.pk).exists()


def test_previous_and_next_week_in_place(demo, page, login, live_server):
    login("ansatt@demo.no")
    page.goto(f"{live_server.url}/timesheets/")
    title = page.locator("#week-title").inner_text()
    page.get_by_role("link", name="Forrige uke").click()
    expect(page.locator("#week-title")).not_to_have_text(title)
    assert "week=" in page.url
    page.get_by_role("link", name="Neste uke").click()
    expect(page.locator("#week-title")).to_have_text(title)


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_week_form_and_overview_have_no_accessibility_violations(
    demo, page, login, live_server, axe, size
):
    page.set_viewport_size(size)
    name = "desktop" if size is DESKTOP else "phone"
    login("admin@demo.no")
    page.goto(f"{live_server.url}/timesheets/")
    page.screenshot(path=f"/tmp/time-week-{name}.png", full_page=True)
    axe(page)
    page.get_by_role("link", name="Før timer", exact=True).click()
    expect(page.get_by_role("dialog")).to_be_visible()
    page.screenshot(path=f"/tmp/time-dialog-{name}.png")
    axe(page)
    page.goto(f"{live_server.url}/timesheets/new/")
    page.screenshot(path=f"/tmp/time-form-{name}.png", full_page=True)
    axe(page)
    page.goto(f"{live_server.url}/timesheets/overview/")
    page.screenshot(path=f"/tmp/time-overview-{name}.png", full_page=True)
    axe(page)


def test_an_employee_logs_todays_hours_on_a_recent_project_in_three_taps(
    demo, page, login, live_server
):
    """The goal of "Før timer" on a phone: signed in, today's 7,5 hours on one of the
    latest projects take three taps and the number."""
    user = User.objects.get(email="ansatt@demo.no")
    # A new morning: nothing logged today yet (the demo has a full day).
    TimeEntry.objects.filter(user=user, date=timezone.localdate()).update(deleted_at=timezone.now())
    # Of what the dialog lists (hours not deleted), the second latest project.
    alive = TimeEntry.objects.alive().filter(user=user, project__isnull=False)
    recent = alive.exclude(project=alive.latest("created_at").project).latest("created_at").project
    page.set_viewport_size(PHONE)
    login("ansatt@demo.no")
    expect(page).to_have_url(re.compile(r"/timesheets/$"))  # "Mine timer", no tiles first

    taps = 0

    def tap(locator):
        nonlocal taps
        taps += 1
        locator.click()

    tap(page.get_by_role("link", name="Før timer", exact=True))
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Dato")).to_have_value(timezone.localdate().strftime("%d.%m.%Y"))
    tap(
        dialog.get_by_role("group", name="Dine siste prosjekter").get_by_role(
            "link", name=recent.name
        )
    )
    expect(dialog.locator("#id_project")).to_have_value(str(recent.pk))
    if recent.customer_id:
        expect(dialog.locator("#id_customer")).to_have_value(str(recent.customer_id))
    # The tap gave the focus back to "Timer": the number is typed straight away.
    expect(dialog.get_by_label("Timer", exact=True)).to_be_focused()
    page.keyboard.type("7,5")
    tap(dialog.get_by_role("button", name="Lagre"))

    expect(page.get_by_role("dialog")).to_be_hidden()
    entry = TimeEntry.objects.alive().get(user=user, date=timezone.localdate())
    marked = page.locator(f"#entry-{entry.pk}.highlight")
    expect(marked).to_be_in_viewport()
    expect(page.locator("#messages")).to_contain_text("Timene er lagret")
    assert taps == 3
    assert (entry.hours, entry.project) == (Decimal("7.5"), recent)
    page.screenshot(path="/tmp/time-three-taps-phone.png", full_page=True)

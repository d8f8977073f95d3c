"""The searchable pickers in a real browser, with and without JavaScript: a customer
beyond the first 50 options can be found and saved either way, and with JavaScript
Enter in the hours form still saves it."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.demo import PASSWORD
from accounts.models import Company
from timesheets.models import TimeEntry

from ..factories import CustomerFactory


@pytest.fixture
def far_customer(demo):
    """60 customers that come before the demo's by name: the last is not among a
    picker's first 50 options."""
    company = Company.objects.get(name="Demo Bygg AS")
    # Nothing logged today yet: the hours logged here make no long day to ask about.
    TimeEntry.objects.filter(user__email="ansatt@demo.no", date=timezone.localdate()).update(
        deleted_at=timezone.now()
    )
    customers = [
        CustomerFactory(company=company, name=f"Aa Finnbar {i:02d}", number=90000 + i)
        for i in range(1, 61)
    ]
    return customers[-1]


def log_in(page, live_server, email):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()


def test_without_javascript_an_employee_searches_picks_and_saves_a_far_customer(
    far_customer, browser, live_server
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server, "ansatt@demo.no")
    page.goto(f"{live_server.url}/timesheets/")
    page.get_by_role("link", name="Før timer", exact=True).click()
    expect(page).to_have_url(re.compile(r"/timesheets/new/"))
    label = f"{far_customer.name} ({far_customer.number})"
    kunde = page.get_by_label("Kunde", exact=True)
    expect(kunde.locator("option", has_text=far_customer.name)).to_have_count(0)

    page.get_by_label("Timer", exact=True).fill("7,5")
    page.get_by_label("Beskrivelse").fill("Funnet uten skript")
    page.get_by_role("searchbox", name="Søk i kunder").fill("finnbar 60")
    page.get_by_role("button", name="Søk i kunder").click()
    expect(page).to_have_url(re.compile(r"customer_q=finnbar\+60"))
    expect(page.get_by_label("Timer", exact=True)).to_have_value("7,5")
    expect(page.get_by_label("Beskrivelse")).to_have_value("Funnet uten skript")
    assert page.locator("#id_customer option").count() <= 51
    kunde.select_option(label=label)
    page.get_by_role("button", name="Lagre").click()
    expect(page).to_have_url(re.compile(r"/timesheets/\?week="))
    entry = TimeEntry.objects.get(description="Funnet uten skript")
    assert entry.customer == far_customer and float(entry.hours) == 7.5
    assert entry.user.email == "ansatt@demo.no"
    context.close()


def test_without_javascript_enter_in_a_search_box_searches(far_customer, browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server, "ansatt@demo.no")
    page.goto(f"{live_server.url}/timesheets/new/")
    page.get_by_role("searchbox", name="Søk i kunder").fill("finnbar 60")
    page.get_by_role("searchbox", name="Søk i kunder").press("Enter")
    expect(page.locator("#id_customer")).to_contain_text(far_customer.name)
    assert not TimeEntry.objects.filter(customer=far_customer).exists()
    context.close()


def test_with_javascript_typing_searches_and_enter_saves_in_the_dialog(
    far_customer, page, live_server
):
    log_in(page, live_server, "ansatt@demo.no")
    page.goto(f"{live_server.url}/timesheets/")
    page.get_by_role("link", name="Før timer", exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Dato")).to_be_visible()
    expect(dialog.get_by_role("button", name="Søk i kunder")).to_have_count(0)
    # One control per picker: the search box is the combobox, over a hidden select.
    expect(dialog.get_by_role("searchbox")).to_have_count(0)
    # A refused save swaps the form in again; Enter must still save, not search.
    dialog.get_by_label("Timer", exact=True).fill("25")
    dialog.get_by_label("Timer", exact=True).press("Enter")
    expect(dialog.locator(".error")).to_contain_text("24 timer")
    expect(page.locator(".htmx-added, .htmx-settling")).to_have_count(0)  # htmx is listening
    expect(dialog.get_by_role("button", name="Søk i kunder")).to_have_count(0)
    kunde = dialog.get_by_role("combobox", name="Kunde", exact=True)
    with page.expect_response(re.compile(r"options/customers/\?customer_q=")):
        kunde.fill("finnbar 60")
    label = f"{far_customer.name} ({far_customer.number})"
    dialog.get_by_role("option", name=label).click()
    expect(kunde).to_have_value(label)
    dialog.get_by_label("Beskrivelse").fill("Funnet med skript")
    dialog.get_by_label("Timer", exact=True).fill("2")
    dialog.get_by_label("Timer", exact=True).press("Enter")
    expect(page.get_by_role("dialog")).to_be_hidden()
    entry = TimeEntry.objects.get(description="Funnet med skript")
    assert entry.customer == far_customer


def test_with_javascript_arrow_down_after_a_search_lands_on_the_first_match(
    far_customer, page, live_server, axe
):
    log_in(page, live_server, "ansatt@demo.no")
    page.goto(f"{live_server.url}/timesheets/new/")
    prosjekt = page.get_by_role("combobox", name="Prosjekt", exact=True)
    prosjekt.click()
    with page.expect_response(re.compile(r"options/projects/\?project_q=")):
        prosjekt.fill("nytt bad")
    expect(prosjekt).to_have_attribute("aria-expanded", "true")
    prosjekt.press("ArrowDown")
    active = page.locator("#" + prosjekt.get_attribute("aria-activedescendant"))
    expect(active).to_contain_text("Nytt bad")
    axe(page)
    prosjekt.press("Enter")
    expect(prosjekt).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#id_project option:checked")).to_contain_text("Nytt bad")
    # The project's customer followed the choice.
    expect(page.get_by_role("combobox", name="Kunde", exact=True)).not_to_have_value("")
    page.get_by_label("Timer", exact=True).fill("1")
    page.get_by_label("Beskrivelse").fill("Pil ned")
    page.get_by_role("button", name="Lagre").click()
    expect(page).to_have_url(re.compile(r"/timesheets/\?week="))
    assert TimeEntry.objects.get(description="Pil ned").project.name == "Nytt bad"


def test_without_javascript_a_search_selects_its_match(far_customer, browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server, "ansatt@demo.no")
    page.goto(f"{live_server.url}/timesheets/new/?customer=")
    page.get_by_role("searchbox", name="Søk i kunder").fill("finnbar 60")
    page.get_by_role("button", name="Søk i kunder").click()
    expect(page.locator("#id_customer option:checked")).to_have_text(
        f"{far_customer.name} ({far_customer.number})"
    )
    context.close()

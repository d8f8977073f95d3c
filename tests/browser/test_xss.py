"""Script payloads stored in every text field a user can fill are shown as text.

The payloads go in through the services (as the forms would store them) and through a
real form in the browser; then every page that shows them is opened as the role that
sees it. No payload may run (``window.__xss`` stays undefined), the Content Security
Policy must never have to step in (no violation event, no console error about it),
and each payload is visible as the text it is.
"""

import datetime
import re
from urllib.parse import urlencode

import pytest
from django.test import RequestFactory
from django.urls import reverse
from playwright.sync_api import expect

from accounts import security_log
from accounts.models import User
from customers import services as customers
from invoicing import services as lines
from projects import services as projects
from timesheets import services as timesheets

from ..factories import PASSWORD
from .conftest import DESKTOP

# Breaks out of text, of single- and double-quoted attributes, and tries a template.
PAYLOAD = "<script>window.__xss=1</script>'\"><img src=x onerror=window.__xss=1>{{7*7}}"
JS_URL = "javascript:window.__xss=1"
DAY = datetime.date(2026, 3, 5)

# Each field gets its own label in front of the payload, so each can be found.
TEXT = {
    "customer": f"Kunde {PAYLOAD}",
    "address": f"Gate {PAYLOAD}",
    "postal_place": f"Sted {PAYLOAD}",
    "invoice": f"Faktura {PAYLOAD}",
    "note": f"Notat {PAYLOAD}",
    "note2": f"Endret {PAYLOAD}",
    "contact": f"Kontakt {PAYLOAD}",
    "title": f"Tittel {PAYLOAD}",
    "project": f"Prosjekt {PAYLOAD}",
    "site": f"Byggeplass {PAYLOAD}",
    "description": f"Beskrivelse {PAYLOAD}",
    "entry": f"Timer {PAYLOAD}",
    "employee": f"Ansatt {PAYLOAD}",
    "material": f"Materiell {PAYLOAD}",
    "route": f"Rute {PAYLOAD}",
}

# Set up before any page loads; a page's own scripts cannot remove it. Collects every
# Content Security Policy violation the page reports.
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def stored(world):
    """Payloads in every text field of a customer (with a change in its history), a
    contact person, a project, a time entry, its materials, a project's driving and a
    user's name."""
    admin = world.admin
    card = {
        "name": TEXT["customer"],
        "number": 30001,
        "kind": "company",
        "address": TEXT["address"],
        "postal_place": TEXT["postal_place"],
        "invoice_address": TEXT["invoice"],
        "note": TEXT["note"],
    }
    contacts = [{"name": TEXT["contact"], "title": TEXT["title"]}]
    customer = customers.customer_create(
        company=world.company, by=admin, data=card, contacts=contacts
    )
    contacts[0]["id"] = customer.contacts.get().pk
    customer = customers.customer_update(
        customer=customer,
        by=admin,
        version=customer.version,
        data={**card, "note": TEXT["note2"]},
        contacts=contacts,
    )
    project = projects.project_create(
        company=world.company,
        by=admin,
        name=TEXT["project"],
        number=4001,
        customer=customer,
        address=TEXT["site"],
        description=TEXT["description"],
    )
    User.objects.filter(pk=world.employee.pk).update(name=TEXT["employee"])
    world.employee.refresh_from_db()
    # Chosen employees are listed by name on the card.
    projects.project_set_access(
        project=project, by=admin, access="selected", members=[world.employee]
    )
    entry = timesheets.entry_create(
        company=world.company,
        by=world.employee,
        date=DAY,
        hours=7,
        project=project,
        customer=customer,
        description=TEXT["entry"],
    )
    # Materials on the entry, driving directly on the project.
    world.xss_line = lines.line_create(
        company=world.company,
        by=world.employee,
        kind="material",
        entry=entry,
        description=TEXT["material"],
        quantity=2,
        unit="m",
    )
    lines.line_create(
        company=world.company,
        by=world.employee,
        kind="driving",
        project=project,
        date=DAY,
        route=TEXT["route"],
        quantity=12,
    )
    world.xss_customer, world.xss_project, world.xss_entry = customer, project, entry
    return world


@pytest.fixture
def browser_page(page, live_server):
    """The page, watched: console messages and page errors are collected."""
    page.set_viewport_size(DESKTOP)
    page.add_init_script(WATCH_CSP)
    page.console_messages = []
    page.on("console", lambda message: page.console_messages.append(message.text))
    page.on("pageerror", lambda error: page.console_messages.append(f"pageerror: {error}"))
    return page


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}{reverse('accounts:login')}")
    page.get_by_label("E-post").fill(user.email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()


def assert_harmless(page, where):
    """Nothing ran, the CSP had nothing to block, no element came from a payload."""
    page.wait_for_load_state()
    assert page.evaluate("window.__xss") is None, f"a payload ran on {where}"
    assert page.evaluate("window.__csp") == [], f"CSP violation on {where}"
    csp_errors = [m for m in page.console_messages if "Content Security Policy" in m]
    assert not csp_errors, f"{where}: {csp_errors}"
    assert not [m for m in page.console_messages if m.startswith("pageerror")], where
    assert page.locator("img[src='x']").count() == 0, f"an <img> from a payload on {where}"
    inline = page.evaluate("[...document.scripts].filter((s) => !s.src).length")
    assert inline == 0, f"an inline <script> on {where}"
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    assert not [h for h in hrefs if h.lower().startswith("javascript:")], where


def visit(page, url, texts=(), values=None):
    """Open ``url``; each of ``texts`` must be visible as text, each field of
    ``values`` (a CSS selector) must hold its payload as its value."""
    page.goto(url)
    assert_harmless(page, url)
    body = page.locator("body").inner_text()
    for key in texts:
        assert TEXT[key] in body, f"{key} is not shown as text on {url}"
    for selector, key in (values or {}).items():
        expect(page.locator(selector).first).to_have_value(TEXT[key])


def search_picker(page, select_id, query, key):
    """Type in a picker's combobox; the options it lists show the payload as text."""
    box = page.locator(f"input[aria-controls='{select_id}-listbox']")
    with page.expect_response(re.compile(r"options")):
        box.fill(query)
    expect(page.locator(f"#{select_id}-listbox")).to_contain_text(TEXT[key])
    assert_harmless(page, f"the {select_id} picker")


def test_payloads_are_text_on_every_page_a_manager_opens(stored, browser_page, live_server):
    page, w, base = browser_page, stored, live_server.url
    customer, project, entry = w.xss_customer, w.xss_project, w.xss_entry
    log_in(page, live_server, w.admin)

    visit(page, f"{base}/customers/", ["customer", "contact"])
    visit(page, f"{base}/customers/?q=kunde", ["customer", "contact"])
    page.goto(f"{base}/customers/?{urlencode({'q': PAYLOAD})}")
    assert_harmless(page, "a search for the payload")
    expect(page.locator("input[name='q']").first).to_have_value(PAYLOAD)
    visit(
        page,
        f"{base}/customers/{customer.pk}/",
        ["project", "note", "note2"],  # the history shows the old and the new note
        {
            "#id_name": "customer",
            "#id_address": "address",
            "#id_postal_place": "postal_place",
            "#id_invoice_address": "invoice",
            "#id_note": "note2",
            "#id_contacts-0-name": "contact",
            "#id_contacts-0-title": "title",
        },
    )
    visit(page, f"{base}/customers/{customer.pk}/delete/", ["customer"])

    visit(page, f"{base}/projects/", ["project", "customer"])
    visit(page, f"{base}/projects/?q=prosjekt", ["project", "customer"])
    visit(
        page,
        f"{base}/projects/{project.pk}/",
        ["project", "customer", "site", "description", "employee", "route"],
    )
    visit(
        page,
        f"{base}/projects/{project.pk}/edit/",
        values={"#id_name": "project", "#id_address": "site", "#id_description": "description"},
    )
    search_picker(page, "id_customer", "kunde", "customer")

    week = f"{DAY.isocalendar().year}-W{DAY.isocalendar().week:02d}"
    visit(
        page,
        f"{base}/timesheets/?user={w.employee.pk}&week={week}",
        ["entry", "project", "employee"],
    )
    visit(
        page,
        f"{base}/timesheets/{entry.pk}/edit/?next={JS_URL}",
        ["material"],
        values={"#id_description": "entry"},
    )
    cancel = page.get_by_role("link", name="Avbryt")
    assert not cancel.get_attribute("href").startswith("javascript:")
    search_picker(page, "id_project", "prosjekt", "project")
    search_picker(page, "id_customer", "kunde", "customer")
    visit(page, f"{base}/timesheets/{entry.pk}/delete/", ["entry"])
    line = reverse("invoicing:line_update", args=[w.xss_line.pk])
    visit(page, f"{base}{line}", values={"#id_description": "material"})
    visit(page, f"{base}{reverse('invoicing:line_delete', args=[w.xss_line.pk])}", ["material"])

    period = "date_from=2026-03-01&date_to=2026-03-31"
    overview = f"{base}/timesheets/overview/?{period}"
    visit(page, overview, ["employee", "customer", "project"])  # descriptions are cut short
    for group, key in [("customer", "customer"), ("project", "project")]:
        visit(page, f"{overview}&group={group}", [key])
    visit(page, f"{overview}&customer={customer.pk}&project={project.pk}", ["employee"])
    search_picker(page, "id_customer", "kunde", "customer")

    visit(page, f"{base}/accounts/users/", ["employee"])
    visit(page, f"{base}/accounts/users/{w.employee.pk}/", values={"#id_name": "employee"})

    # The security log names people and an export's filter, and shows the user agent,
    # which anyone can send.
    sender = RequestFactory().get("/", HTTP_USER_AGENT=PAYLOAD)
    security_log.record(security_log.Kind.SIGN_IN_FAILED, request=sender, user=w.employee)
    export = {"format": "csv", "customer": TEXT["customer"]}
    security_log.record(security_log.Kind.EXPORTED, actor=w.admin, detail=export)
    visit(page, f"{base}/accounts/security-log/", ["employee", "customer"])


def test_payloads_are_text_on_every_page_an_employee_opens(stored, browser_page, live_server):
    page, w, base = browser_page, stored, live_server.url
    log_in(page, live_server, w.employee)

    assert_harmless(page, "the start page")
    week = f"{DAY.isocalendar().year}-W{DAY.isocalendar().week:02d}"
    visit(page, f"{base}/timesheets/?week={week}", ["entry", "project", "employee"])
    visit(page, f"{base}/projects/", ["project", "customer"])
    visit(
        page,
        f"{base}/projects/{w.xss_project.pk}/",
        ["project", "customer", "description", "route"],
    )
    visit(page, f"{base}/timesheets/new/")
    search_picker(page, "id_project", "prosjekt", "project")
    search_picker(page, "id_customer", "kunde", "customer")
    visit(page, f"{base}/accounts/profile/", values={"#id_name": "employee"})


def test_a_payload_typed_into_a_real_form_is_saved_and_shown_as_text(
    stored, browser_page, live_server
):
    page, w, base = browser_page, stored, live_server.url
    log_in(page, live_server, w.admin)
    page.goto(f"{base}/customers/{w.customer.pk}/")

    page.locator("#id_name").fill(TEXT["customer"].replace("Kunde", "Kari"))
    page.locator("#id_note").fill(PAYLOAD)
    page.get_by_role("button", name="Lagre").first.click()

    # The confirmation names the customer; the history shows the new values.
    expect(page.get_by_role("status")).to_contain_text(f"Kari {PAYLOAD} er lagret")
    assert_harmless(page, "the saved card")
    expect(page.locator("#id_note")).to_have_value(PAYLOAD)
    assert PAYLOAD in page.locator("body").inner_text()
    visit(page, f"{base}/customers/?q=kari")
    assert f"Kari {PAYLOAD}" in page.locator("body").inner_text()

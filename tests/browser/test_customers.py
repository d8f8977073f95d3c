"""The customer list and card in Chromium, at desktop width and on a 390 px phone."""

import re

from playwright.sync_api import expect

from accounts.demo import PASSWORD

NAME = "Solberg Varme AS"
CONTACT = "Åshild Solberg"


def shot(page, name, viewport):
    page.screenshot(path=f"/tmp/cust-{name}-{viewport['width']}.png", full_page=name == "card")


def open_link(page, name):
    """Follow a plain link and let the new page (and htmx) finish loading."""
    page.get_by_role("link", name=name).first.click()
    page.wait_for_load_state()


def search(page, text):
    with page.expect_response(re.compile(r"/customers/\?")):
        page.get_by_label("Søk i kunder").fill(text)
    expect(page).to_have_url(re.compile(r"q=" + re.escape(text.split()[0])))


def test_create_search_deactivate_activate_and_delete_a_customer(
    demo, page, login, live_server, viewport
):
    page.set_viewport_size(viewport)
    login("admin@demo.no")
    page.goto(f"{live_server.url}/customers/")
    shot(page, "list", viewport)

    # Create the customer with a contact person, in the dialog.
    page.get_by_role("link", name="Opprett kunde").click()
    dialog = page.locator("dialog[open]")
    expect(dialog.get_by_role("heading", name="Opprett kunde")).to_be_visible()
    dialog.locator("#id_name").fill(NAME)
    dialog.locator("#id_org_number").fill("923 609 016")
    dialog.locator("#id_phone").fill("912 34 567")
    dialog.locator("#id_email").fill("post@solbergvarme.no")
    dialog.locator("#id_contacts-0-name").fill(CONTACT)
    dialog.locator("#id_contacts-0-title").fill("Daglig leder")
    shot(page, "create", viewport)
    dialog.get_by_role("button", name="Lagre").click()
    expect(page.locator("dialog[open]")).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text=f"{NAME} er opprettet")).to_be_visible()
    expect(page.locator("tr.highlight")).to_contain_text(NAME)
    shot(page, "created", viewport)

    # Find it by search: by name, ignoring case, and by the contact's name without accents.
    search(page, "solberg varme")
    rows = page.locator("#customer-list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(CONTACT)
    search(page, "ashild")
    expect(rows).to_have_count(1)

    # Set it inactive on the card; it moves to the "Inaktive" tab.
    open_link(page, NAME)
    expect(page.get_by_role("heading", name=NAME, level=1)).to_be_visible()
    shot(page, "card", viewport)
    page.get_by_role("button", name="Sett inaktiv").click()
    expect(page.locator("#customer-status .badge")).to_have_text("Inaktiv")
    expect(page.locator("#customer-history")).to_contain_text("Satt til inaktiv")
    open_link(page, "← Kunder")
    search(page, "solberg")
    expect(page.locator("#customer-list tbody tr")).to_have_count(0)
    page.get_by_role("link", name=re.compile("^Inaktive")).click()
    expect(page).to_have_url(re.compile("status=inactive"))
    expect(page.locator("#customer-list")).to_contain_text(NAME)
    shot(page, "inactive", viewport)

    # Set it active again.
    open_link(page, NAME)
    page.get_by_role("button", name="Sett aktiv").click()
    expect(page.locator("#customer-status .badge")).to_have_text("Aktiv")
    page.goto(f"{live_server.url}/customers/?q=solberg")
    expect(page.locator("#customer-list")).to_contain_text(NAME)

    # Delete it after the confirmation; it is gone from both tabs.
    open_link(page, NAME)
    page.get_by_role("link", name="Slett kunde").click()
    dialog = page.locator("dialog[open]")
    expect(dialog).to_contain_text("Timeføringer og prosjekter")
    shot(page, "delete", viewport)
    dialog.get_by_role("button", name="Slett kunde").click()
    expect(page).to_have_url(f"{live_server.url}/customers/")
    expect(page.get_by_role("status").filter(has_text=f"{NAME} er slettet")).to_be_visible()
    for status in ("active", "inactive"):
        page.goto(f"{live_server.url}/customers/?status={status}&q=solberg")
        expect(page.locator("#customer-list tbody tr")).to_have_count(0)
        expect(page.locator("#customer-list")).to_contain_text("Ingen kunder passer")


def test_customer_list_and_card_have_no_accessibility_violations(
    demo, page, login, live_server, axe, viewport
):
    page.set_viewport_size(viewport)
    login("moderator@demo.no")
    page.goto(f"{live_server.url}/customers/")
    axe(page)
    page.goto(f"{live_server.url}/customers/?status=inactive")
    axe(page)
    page.goto(f"{live_server.url}/customers/")
    page.locator("#customer-list tbody a").first.click()
    expect(page.get_by_role("heading", name="Kundekort")).to_be_visible()
    axe(page)
    page.goto(f"{live_server.url}/customers/new/")
    axe(page)


def test_pages_work_without_javascript(demo, browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-post").fill("admin@demo.no")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.goto(f"{live_server.url}/customers/")
    page.get_by_role("link", name="Opprett kunde").click()
    expect(page).to_have_url(f"{live_server.url}/customers/new/")
    page.locator("#id_name").fill("Uten Skript AS")
    page.get_by_role("button", name="Legg til kontaktperson").click()
    page.locator("#id_contacts-1-name").fill("Andre Kontakt")
    page.locator("#id_contacts-0-name").fill("Første Kontakt")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("heading", name="Uten Skript AS", level=1)).to_be_visible()
    expect(page.locator("#id_contacts-1-name")).to_have_value("Andre Kontakt")
    page.get_by_role("link", name=re.compile("Kunder")).filter(has_text="←").click()
    page.get_by_label("Søk i kunder").fill("skript")
    page.get_by_role("button", name="Søk", exact=True).click()
    expect(page).to_have_url(re.compile(r"q=skript"))
    expect(page.locator("#customer-list tbody tr")).to_have_count(1)
    context.close()


def test_an_expired_form_sent_with_htmx_says_so_instead_of_doing_nothing(
    demo, page, login, live_server
):
    login("moderator@demo.no")
    open_link(page, "Kunder")
    open_link(page, "Bakeriet på Hjørnet AS")
    # The session's CSRF secret is gone (a new login elsewhere, a cleared cookie).
    page.context.clear_cookies(name="csrftoken")
    page.get_by_role("button", name=re.compile("Sett (in)?aktiv")).click()
    expect(page.locator("#messages").get_by_role("alert")).to_contain_text("Skjemaet er utløpt")

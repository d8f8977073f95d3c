"""Importing customers in Chromium, at desktop width and on a 390 px phone, with axe: a
file with one bad row is checked, the bad row skipped, the rest imported."""

from playwright.sync_api import expect

from customers.models import Customer

from ..imports import csv_bytes

FILE = csv_bytes(
    [
        ["Kundenavn", "Telefon", "E-post", "Postnr", "Poststed"],
        ["Importert Bakeri AS", "22 33 44 55", "post@importert.no", "0155", "Oslo"],
        ["Feil Telefon AS", "123", "feil@importert.no", "0150", "Oslo"],
    ],
    encoding="cp1252",
)


def test_import_a_file_with_one_bad_row(demo, page, login, live_server, viewport, axe):
    page.set_viewport_size(viewport)
    login("admin@demo.no")
    page.goto(f"{live_server.url}/customers/")
    page.get_by_role("link", name="Importer kunder").click()
    expect(page.get_by_role("heading", name="Importer kunder", level=1)).to_be_visible()
    axe(page)

    page.get_by_label("Fil").set_input_files(
        {"name": "kunder.csv", "mimeType": "text/csv", "buffer": FILE}
    )
    page.get_by_role("button", name="Last opp og velg kolonner").click()

    # Each column with the field its header names, and the first rows.
    expect(page.get_by_label("Kundenavn")).to_have_value("name")
    expect(page.get_by_label("Telefon")).to_have_value("phone")
    expect(page.locator(".import-preview")).to_contain_text("Importert Bakeri AS")
    axe(page)
    page.screenshot(path=f"/tmp/import-mapping-{viewport['width']}.png", full_page=True)

    page.get_by_label("Hopp over radene med feil og importer resten").check()
    page.get_by_role("button", name="Kontroller filen").click()
    problems = page.locator(".import-problems")
    expect(problems).to_contain_text("Rad 3, Telefon:")
    expect(page.locator(".import-counts")).to_contain_text("Opprettes")
    axe(page)
    page.screenshot(path=f"/tmp/import-check-{viewport['width']}.png", full_page=True)

    page.get_by_role("button", name="Importer 1 kunde").click()
    expect(page.get_by_role("heading", name="kunder.csv er importert")).to_be_visible()
    axe(page)
    assert Customer.objects.filter(name="Importert Bakeri AS").count() == 1
    assert not Customer.objects.filter(name="Feil Telefon AS").exists()
    page.get_by_role("link", name="Gå til kundelisten").click()
    expect(page.locator("#customer-list")).to_contain_text("Importert Bakeri AS")

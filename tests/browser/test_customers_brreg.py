"""Creating a customer from Enhetsregisteret in Chromium (the recorded answers on a
local port), at desktop width and on a 390 px phone, with axe."""

from playwright.sync_api import expect

UNIT = "BAKERIET PÅ HJØRNET AS"


def test_look_up_an_org_number_fill_the_card_and_create_the_customer(
    demo, registry, page, login, live_server, viewport, axe
):
    page.set_viewport_size(viewport)
    login("admin@demo.no")
    page.goto(f"{live_server.url}/customers/")
    page.get_by_role("link", name="Opprett kunde").click()
    dialog = page.locator("dialog[open]")
    expect(dialog.get_by_role("heading", name="Opprett kunde")).to_be_visible()

    # Typing the org. no. (with spaces) offers the unit.
    dialog.get_by_label("Organisasjonsnummer").press_sequentially("915 333 141")
    results = dialog.locator("#registry-results")
    expect(results).to_contain_text(UNIT)
    expect(results).to_contain_text("Storgata 12, Inngang B")
    axe(page)
    page.screenshot(path=f"/tmp/brreg-found-{viewport['width']}.png")

    # Choosing it fills the card; every field can still be changed before "Lagre".
    dialog.get_by_role("button", name=f"Bruk {UNIT}").click()
    expect(dialog.locator("#id_name")).to_have_value(UNIT)
    expect(dialog.locator("#id_postal_code")).to_have_value("0155")
    expect(dialog.locator("#registry-results")).to_contain_text("Fylt ut fra Brønnøysund")
    dialog.locator("#id_postal_place").fill("Oslo")
    axe(page)
    page.screenshot(path=f"/tmp/brreg-filled-{viewport['width']}.png")
    dialog.get_by_role("button", name="Lagre").click()

    # The confirmation links to the new card.
    expect(page.locator("dialog[open]")).to_have_count(0)
    message = page.locator("#messages").filter(has_text=f"{UNIT} er opprettet")
    expect(message).to_be_visible()
    message.get_by_role("link", name="Åpne kundekortet").click()
    expect(page.get_by_role("heading", name=UNIT, level=1)).to_be_visible()
    expect(page.locator("#id_postal_place")).to_have_value("Oslo")
    expect(page.get_by_role("link", name="Oppdater fra Brønnøysund")).to_be_visible()
    axe(page)


def test_a_bankrupt_unit_is_not_filled_without_a_confirmation(
    demo, registry, page, login, live_server, axe
):
    login("admin@demo.no")
    page.goto(f"{live_server.url}/customers/new/")
    page.get_by_label("Organisasjonsnummer").press_sequentially("932222221")
    page.get_by_role("button", name="Bruk SNEKKER KONKURS AS").click()
    expect(page.locator(".registry-confirm")).to_contain_text("Konkurs.")
    expect(page.locator("#id_name")).to_have_value("")
    axe(page)
    page.get_by_role("button", name="Fyll ut likevel").click()
    expect(page.locator("#id_name")).to_have_value("SNEKKER KONKURS AS")
    expect(page.locator(".registry-filled")).to_contain_text("Konkurs.")


def test_an_org_number_typed_the_moment_the_card_opens_is_looked_up(
    demo, registry, page, login, live_server
):
    # A slow phone: htmx settles a swap a second after it. The card is ready when it
    # shows, so the keys typed at once ask Brønnøysund all the same.
    login("admin@demo.no")
    page.goto(f"{live_server.url}/customers/")
    page.evaluate("htmx.config.defaultSettleDelay = 1000")
    page.get_by_role("link", name="Opprett kunde").click()
    dialog = page.locator("dialog[open]")
    dialog.get_by_label("Organisasjonsnummer").press_sequentially("915333141")
    expect(dialog.locator("#registry-results")).to_contain_text(UNIT)

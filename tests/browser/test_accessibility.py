"""What the save protocol gives every form page, in Chromium at desktop width and on a
390 px phone: messages in the live region at once, an error summary that takes the
focus, focus on the next step after a swap, submit buttons that cannot send twice,
named dialogs, no sideways scrolling, visible focus, and one date format."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.demo import PASSWORD
from accounts.models import User
from customers.models import Customer
from projects.models import Project
from timesheets.models import TimeEntry

from .conftest import DESKTOP, PHONE

DATE = r"\d\d\.\d\d\.\d{4}"
DATETIME = DATE + r" \d\d:\d\d"


def focused(page):
    """What has the focus: its tag, id, classes and text, for assertions and messages."""
    return page.evaluate(
        """() => { const e = document.activeElement;
        return {tag: e.tagName.toLowerCase(), id: e.id, cls: e.className,
                text: (e.innerText || e.value || "").trim()}; }"""
    )


def first_customer(page, live_server):
    customer = Customer.objects.filter(company__name="Demo Bygg AS", is_active=True).first()
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    return customer


def new_entry(email):
    user = User.objects.get(email=email)
    return TimeEntry.objects.create(
        company=user.company, user=user, date=timezone.localdate(), hours=Decimal("1")
    )


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """No service worker: a page it controls sends its requests through it, and
    Playwright's routes (``held``) see those only some of the time. Nothing here is
    about working offline (tests/browser/test_offline.py is)."""
    return {**browser_context_args, "service_workers": "block"}


def held(page, url_pattern):
    """Hold every request to ``url_pattern`` until release(); returns (requests, release)."""
    requests, routes = [], []

    def hold(route):
        requests.append(route.request.method)
        routes.append(route)

    page.route(url_pattern, hold)

    def release():
        # The button may show its state before the browser hands the request to the
        # route: wait for it, or it would slip past the hold and not be counted.
        for _ in range(250):
            if routes:
                break
            page.wait_for_timeout(20)
        for route in routes:
            route.continue_()
        page.unroute(url_pattern)

    return requests, release


def test_saved_hours_are_announced_at_once_in_the_live_region(
    demo, page, login, live_server, viewport
):
    page.set_viewport_size(viewport)
    login("ansatt@demo.no")
    page.goto(f"{live_server.url}/timesheets/")
    page.get_by_role("link", name="Før timer", exact=True).click()
    dialog = page.get_by_role("dialog", name="Før timer")
    dialog.get_by_label("Timer", exact=True).fill("3")
    dialog.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("dialog")).to_be_hidden()
    live = page.locator("#messages[aria-live=polite]")
    expect(live.get_by_role("status")).to_have_text("Timene er lagret.")
    expect(page.locator("body")).not_to_be_focused()
    # Shown now, so not once more on the next page.
    page.reload()
    expect(live.get_by_role("status")).to_have_count(0)


def test_a_status_change_is_announced_and_focus_stays_on_the_status_button(
    demo, page, login, live_server, viewport
):
    page.set_viewport_size(viewport)
    login("moderator@demo.no")
    customer = first_customer(page, live_server)
    page.get_by_role("button", name="Sett inaktiv").click()
    expect(page.locator("#messages").get_by_role("status")).to_have_text(
        f"{customer.name} er nå inaktiv."
    )
    expect(page.get_by_role("button", name="Sett aktiv")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#messages").get_by_role("status")).to_have_text(
        f"{customer.name} er aktiv igjen."
    )
    expect(page.get_by_role("button", name="Sett inaktiv")).to_be_focused()


def test_an_invalid_card_moves_focus_to_an_error_summary_that_links_to_the_field(
    demo, page, login, live_server, axe, viewport
):
    page.set_viewport_size(viewport)
    login("moderator@demo.no")
    first_customer(page, live_server)
    page.locator("#id_name").fill("")
    page.locator("#id_email").fill("ikke en e-post")
    page.get_by_role("button", name="Lagre").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary.get_by_role("alert")).to_contain_text("For å gå videre")
    link = summary.get_by_role("link", name=re.compile("^Navn:"))
    expect(summary.get_by_role("link", name=re.compile("^E-post:"))).to_be_visible()
    axe(page)
    link.click()
    expect(page.locator("#id_name")).to_be_focused()


def test_an_invalid_page_form_focuses_its_error_summary_on_load_also_without_javascript(
    demo, browser, live_server
):
    for javascript in (True, False):
        context = browser.new_context(java_script_enabled=javascript, viewport=PHONE)
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("E-post").fill("admin@demo.no")
        page.get_by_label("Passord").fill(PASSWORD)
        page.get_by_role("button", name="Logg inn").click()
        page.goto(f"{live_server.url}/accounts/profile/")
        page.get_by_label("Navn").fill("")
        page.get_by_role("button", name="Lagre").click()
        summary = page.locator(".error-summary")
        expect(summary).to_be_focused()
        expect(summary.get_by_role("link", name=re.compile("^Navn:"))).to_have_attribute(
            "href", "#id_name"
        )
        context.close()


def test_an_invalid_entry_in_the_dialog_focuses_the_error_summary(demo, page, login, live_server):
    page.set_viewport_size(PHONE)
    login("ansatt@demo.no")
    page.goto(f"{live_server.url}/timesheets/")
    page.get_by_role("link", name="Før timer", exact=True).click()
    dialog = page.get_by_role("dialog", name="Før timer")
    dialog.get_by_label("Timer", exact=True).fill("25")
    dialog.get_by_role("button", name="Lagre").click()
    expect(dialog.locator(".error-summary")).to_be_focused()
    dialog.locator(".error-summary").get_by_role("link", name=re.compile("^Timer:")).click()
    expect(dialog.get_by_label("Timer", exact=True)).to_be_focused()


def test_after_adding_a_contact_person_focus_is_in_its_name_field(
    demo, page, login, live_server, viewport
):
    page.set_viewport_size(viewport)
    login("moderator@demo.no")
    first_customer(page, live_server)
    count = page.locator("fieldset.contact").count()
    page.get_by_role("button", name="Legg til kontaktperson").click()
    expect(page.locator("fieldset.contact")).to_have_count(count + 1)
    expect(page.locator(f"#id_contacts-{count}-name")).to_be_focused()
    page.locator(f"#id_contacts-{count}-name").fill("Ny Kontakt")
    page.get_by_role("button", name="Fjern kontaktperson").last.click()
    expect(page.locator("fieldset.contact")).to_have_count(count)
    expect(page.get_by_role("button", name="Legg til kontaktperson")).to_be_focused()


def test_after_a_swap_focus_is_never_left_on_the_page_body(demo, page, login, live_server):
    login("ansatt@demo.no")
    page.goto(f"{live_server.url}/timesheets/")
    page.get_by_role("link", name="Neste uke").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("week="))
    expect(page.get_by_role("link", name="Neste uke")).to_be_focused()
    # Deleting an entry takes its button away: focus goes to the week it was in.
    entry = new_entry("ansatt@demo.no")
    page.goto(f"{live_server.url}/timesheets/")
    page.once("dialog", lambda d: d.accept())
    page.locator(f"#entry-{entry.pk}").get_by_role("link", name=re.compile("Slett")).click()
    expect(page.locator(f"#entry-{entry.pk}")).to_have_count(0)
    expect(page.locator("#week")).to_be_focused()  # once htmx has settled the swap


def test_a_new_customer_is_marked_and_focused_in_the_list(demo, page, login, live_server):
    login("moderator@demo.no")
    page.goto(f"{live_server.url}/customers/")
    page.get_by_role("link", name="Opprett kunde").click()
    dialog = page.get_by_role("dialog", name="Opprett kunde")
    dialog.locator("#id_name").fill("Fokus Ny AS")
    dialog.get_by_role("button", name="Lagre").click()
    expect(page.locator("tr.highlight")).to_contain_text("Fokus Ny AS")
    expect(page.locator("tr.highlight").get_by_role("link", name="Fokus Ny AS")).to_be_focused()
    message = page.locator("#messages").get_by_role("status")
    expect(message).to_have_text(re.compile(r"^Fokus Ny AS er opprettet som kunde \d+\. "))
    expect(message.get_by_role("link", name="Åpne kundekortet")).to_be_visible()


def test_a_double_tap_on_save_sends_once_and_the_button_shows_progress(
    demo, page, login, live_server, viewport
):
    page.set_viewport_size(viewport)
    login("moderator@demo.no")
    customer = first_customer(page, live_server)

    # The card saves with htmx.
    requests, release = held(page, re.compile(rf"/customers/{customer.pk}/$"))
    save = page.locator("#customer-form").get_by_role("button", name="Lagre")
    save.dblclick()
    expect(save).to_be_disabled()
    expect(save).to_have_attribute("aria-busy", "true")
    release()
    expect(page.locator("#messages").get_by_role("status")).to_contain_text("er lagret")
    assert requests == ["POST"]
    expect(page.locator("#customer-form").get_by_role("button", name="Lagre")).to_be_enabled()

    # The profile is a plain form: the next page replaces this one, so the page notes
    # (in sessionStorage, which the next page still sees) what the button went through.
    page.goto(f"{live_server.url}/accounts/profile/")
    page.evaluate(
        """() => { const b = document.querySelector("main button[type=submit]");
        new MutationObserver(() => { if (b.disabled && b.getAttribute("aria-busy") === "true")
            sessionStorage.setItem("busy", "yes"); }).observe(b, {attributes: true}); }"""
    )
    posts = []
    page.on("request", lambda r: r.method == "POST" and posts.append(r.url))
    with page.expect_navigation():
        page.get_by_role("button", name="Lagre").dblclick()
    expect(page.locator("#messages").get_by_role("status")).to_have_text("Profilen din er lagret.")
    assert page.evaluate("() => sessionStorage.getItem('busy')") == "yes"
    assert len(posts) == 1, posts


def test_dialogs_are_named_and_a_delete_opens_on_cancel(demo, page, login, live_server, axe):
    login("moderator@demo.no")
    page.goto(f"{live_server.url}/customers/")
    page.get_by_role("link", name="Opprett kunde").click()
    expect(page.get_by_role("dialog", name="Opprett kunde")).to_be_visible()
    expect(page.get_by_role("dialog").locator("#id_name")).to_be_focused()
    page.keyboard.press("Escape")
    customer = first_customer(page, live_server)
    page.get_by_role("link", name="Slett kunde").click()
    dialog = page.get_by_role("dialog", name=f"Slette {customer.name}?")
    expect(dialog.get_by_role("button", name="Avbryt")).to_be_focused()
    axe(page)
    page.keyboard.press("Enter")  # Enter on the focused button cancels: nothing is deleted
    expect(page.get_by_role("dialog")).to_be_hidden()
    customer.refresh_from_db()
    assert customer.deleted_at is None

    # The confirmation pages (without JavaScript, or opened directly) start on "Avbryt" too.
    page.goto(f"{live_server.url}/customers/{customer.pk}/delete/")
    expect(page.get_by_role("link", name="Avbryt")).to_be_focused()
    project = Project.objects.create(company=customer.company, name="Uten timer", number=9001)
    page.goto(f"{live_server.url}/projects/{project.pk}/delete/")
    expect(page.get_by_role("link", name="Avbryt")).to_be_focused()
    entry = new_entry("moderator@demo.no")
    page.goto(f"{live_server.url}/timesheets/{entry.pk}/delete/")
    expect(page.get_by_role("link", name="Avbryt")).to_be_focused()


@pytest.mark.parametrize("width", [768, 1024])
def test_the_hours_overview_does_not_scroll_sideways(demo, page, login, live_server, axe, width):
    page.set_viewport_size({"width": width, "height": 900})
    login("admin@demo.no")  # who sees the most buttons in each row
    page.goto(f"{live_server.url}/timesheets/overview/")
    expect(page.locator(".entries-table")).to_be_visible()
    sizes = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert sizes[0] == sizes[1], sizes
    axe(page)


def luminance(rgb):
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def colour(css):
    return tuple(int(n) for n in re.findall(r"\d+", css)[:3])


def ring_against(page, background_selector):
    """(outline colour of the focused element, background colour of the selector)."""
    return page.evaluate(
        """(selector) => [getComputedStyle(document.activeElement).outlineColor,
                          getComputedStyle(document.activeElement).outlineStyle,
                          getComputedStyle(document.querySelector(selector)).backgroundColor]""",
        background_selector,
    )


def test_the_focus_ring_has_three_to_one_contrast_on_white_and_on_the_top_bar(
    demo, page, login, live_server
):
    page.set_viewport_size(DESKTOP)
    login("moderator@demo.no")
    page.goto(f"{live_server.url}/customers/")
    page.keyboard.press("Tab")  # the skip link, on its white box
    ring, style, _ = ring_against(page, "body")
    assert style == "solid" and contrast(colour(ring), (255, 255, 255)) >= 3
    page.keyboard.press("Tab")  # "Svenn", on the dark top bar
    assert focused(page)["text"] == "Svenn"
    ring, style, bar = ring_against(page, ".topbar")
    assert style == "solid" and contrast(colour(ring), colour(bar)) >= 3, (ring, bar)
    page.get_by_label("Søk i kunder").focus()  # a field in the page
    ring, style, _ = ring_against(page, "body")
    assert style == "solid" and contrast(colour(ring), (255, 255, 255)) >= 3, ring
    page.keyboard.press("Tab")  # a button in the page
    assert focused(page)["text"] == "Søk"
    ring, style, _ = ring_against(page, "body")
    assert style == "solid" and contrast(colour(ring), (255, 255, 255)) >= 3, ring


def test_escape_closes_the_phone_menu_and_returns_to_its_button(demo, page, login, live_server):
    page.set_viewport_size(PHONE)
    login("moderator@demo.no")
    toggle = page.get_by_role("button", name="Meny")
    toggle.click()
    menu = page.get_by_role("navigation", name="Hovedmeny")
    expect(menu.get_by_role("link", name="Kunder")).to_be_visible()
    menu.get_by_role("link", name="Kunder").focus()
    page.keyboard.press("Escape")
    expect(menu.get_by_role("link", name="Kunder")).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()


def test_english_pages_show_the_same_dates_and_times_as_norwegian_ones(
    demo, page, login, live_server
):
    User.objects.filter(email="moderator@demo.no").update(language="en")
    page.set_viewport_size(DESKTOP)
    login("moderator@demo.no")
    customer = first_customer(page, live_server)
    expect(page.get_by_role("heading", name="Customer card")).to_be_visible()
    facts = page.locator("dl.facts dd")
    expect(facts.first).to_have_text(re.compile(rf"^{DATETIME}"))
    expect(page.locator(".history-list .muted").first).to_have_text(re.compile(rf"^{DATETIME}"))
    project = Project.objects.filter(company=customer.company, start_date__isnull=False).first()
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    start = page.locator("dl.facts dt", has_text="Start date").locator(
        "xpath=following-sibling::dd[1]"
    )
    expect(start).to_have_text(project.start_date.strftime("%d.%m.%Y"))
    page.goto(f"{live_server.url}/timesheets/")
    expect(page.locator(".day-head h3 .muted").first).to_have_text(re.compile(rf"^{DATE}$"))


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_pages_with_error_summaries_have_no_accessibility_violations(
    demo, page, login, live_server, axe, size
):
    page.set_viewport_size(size)
    login("admin@demo.no")
    page.goto(f"{live_server.url}/accounts/profile/")
    page.get_by_label("Navn").fill("")
    page.get_by_role("button", name="Lagre").click()
    expect(page.locator(".error-summary")).to_be_focused()
    axe(page)
    page.goto(f"{live_server.url}/timesheets/")
    page.get_by_role("link", name="Før timer", exact=True).click()
    dialog = page.get_by_role("dialog", name="Før timer")
    dialog.get_by_label("Timer", exact=True).fill("25")
    dialog.get_by_role("button", name="Lagre").click()
    expect(dialog.locator(".error-summary")).to_be_focused()
    axe(page)

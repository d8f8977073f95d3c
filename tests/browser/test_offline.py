""" "Mine timer" on a building site without a connection: written on the phone, shown as
"Venter på nett", sent by itself when the connection is back, each write saved once;
a refusal is shown with the server's words; logging out leaves nothing behind. The
timer too: started and stopped without a connection, its hours are the time between
the taps."""

import datetime
import re
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from accounts.demo import PASSWORD
from accounts.models import Company
from accounts.permissions import Role
from timesheets import services
from timesheets.models import TimeEntry, Timer, TimerEvent

from ..factories import CustomerFactory, ProjectFactory, TimeEntryFactory, UserFactory
from .conftest import PHONE, log_out

EMAIL = "offline@example.no"

KEPT = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    if (!/^svenn-(pages|parts)-/.test(name)) continue;
    for (const request of await (await caches.open(name)).keys()) {
      // The key's query too: "/timesheets/?week=…" (the last week) is not this week.
      const url = new URL(request.url);
      urls.push(name.split("-")[1] + " " + url.pathname + url.search);
    }
  }
  return urls.sort();
}"""

STORED = """() => new Promise((resolve) => {
  const open = indexedDB.open("svenn-offline");
  open.onupgradeneeded = () => {
    open.result.createObjectStore("writes", { keyPath: "id", autoIncrement: true });
  };
  open.onsuccess = () => {
    const request = open.result.transaction("writes").objectStore("writes").count();
    request.onsuccess = () => { resolve(request.result); open.result.close(); };
  };
})"""

# The same writes once more, as a lost answer or the worker and the page at once would
# send them: their form tokens make the repeat save nothing.
TWICE = """() => SvennQueue.all().then((items) => Promise.all(items.map((item) => {
  const copy = Object.assign({}, item);
  delete copy.id;
  return SvennQueue.add(copy);
})))"""


# The start kept on the phone, moved back as if tapped this long before: the queue
# sends how long ago each tap was by the phone's own count, page or service worker.
EARLIER = """(ms) => SvennQueue.all().then((items) => {
  const start = items.find((item) => item.kind === "timer-start");
  start.at -= ms;
  return SvennQueue.put(start);
})"""


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A phone in Norway: its day is the server's (the midnight rule)."""
    return {**browser_context_args, "timezone_id": "Europe/Oslo"}


def log_in(page, live_server, user):
    """Signed in on a new phone, and "Mine timer" kept by the worker as the first page
    after signing in keeps it: the phone taking the user as its own (which empties the
    pages another user left) leaves it kept, as nobody had the phone before."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-post").fill(EMAIL)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", name="Mine timer")).to_be_visible()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    for _ in range(200):
        if page.evaluate("SvennQueue.user()") == user.pk:
            break
        page.wait_for_timeout(50)
    for _ in range(200):
        if "pages /timesheets/" in page.evaluate(KEPT):
            break
        page.wait_for_timeout(50)
    assert "pages /timesheets/" in page.evaluate(KEPT), page.evaluate(KEPT)


def expect_all_saved(page):
    """The phone says everything that waited is saved; if not, the failure quotes the
    server's words for each write it refused (shown under "Lagret på telefonen")."""
    try:
        expect(page.locator("#messages")).to_contain_text("Det som ventet på nett er lagret.")
    except AssertionError as error:
        kept = page.get_by_role("region", name="Lagret på telefonen")
        why = kept.inner_text() if kept.count() else "nothing shown"
        raise AssertionError(f"{error}\nLagret på telefonen: {why}") from error


@pytest.fixture
def firm(transactional_db):
    company = Company.objects.create(name="Offline AS")
    user = UserFactory(company=company, email=EMAIL, name="Olav Offline", role=Role.EMPLOYEE)
    user.set_password(PASSWORD)
    user.save()
    admin = UserFactory(company=company, role=Role.ADMIN)
    project = ProjectFactory(
        company=company, customer=CustomerFactory(company=company), name="Loft"
    )
    entries = {
        name: TimeEntryFactory(
            user=user, project=project, customer=project.customer, description=name, hours=2
        )
        for name in ("Rives", "Tavle", "Lister")
    }
    return user, admin, entries


def test_offline_writes_wait_on_the_phone_and_are_saved_once_when_the_connection_returns(
    firm, page, context, live_server
):
    user, admin, entries = firm
    page.set_viewport_size(PHONE)
    page.on("dialog", lambda dialog: dialog.accept())  # "Slette timeføringen?", logging out
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-post").fill(EMAIL)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", name="Mine timer")).to_be_visible()
    # The worker keeps the week, the new entry form and the forms of the week's entries.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    forms = {f"parts /timesheets/{entry.pk}/edit/" for entry in entries.values()}
    wanted = {"pages /timesheets/", "parts /timesheets/new/", *forms}
    for _ in range(200):
        if wanted <= set(page.evaluate(KEPT)):
            break
        page.wait_for_timeout(50)
    assert wanted <= set(page.evaluate(KEPT)), page.evaluate(KEPT)

    context.set_offline(True)
    page.reload()  # "Mine timer" from the phone
    expect(page.get_by_role("heading", name="Mine timer")).to_be_visible()

    page.get_by_role("link", name="Før timer", exact=True).click()
    dialog = page.get_by_role("dialog", name="Før timer")
    dialog.get_by_label("Timer", exact=True).fill("2,5")
    dialog.get_by_label("Beskrivelse").fill("Ny uten nett")
    dialog.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("dialog")).to_be_hidden()
    new = page.locator(".entry.pending")
    expect(new).to_contain_text("Ny uten nett")
    expect(new).to_contain_text("Venter på nett")

    rives = page.locator(f"#entry-{entries['Rives'].pk}")
    rives.get_by_role("link", name=re.compile("Endre")).click()
    dialog = page.get_by_role("dialog", name="Endre timer")
    dialog.get_by_label("Beskrivelse").fill("Revet uten nett")
    dialog.get_by_role("button", name="Lagre").click()
    expect(rives).to_contain_text("Endres · Venter på nett")

    tavle = page.locator(f"#entry-{entries['Tavle'].pk}")
    tavle.get_by_role("link", name=re.compile("Slett")).click()
    expect(tavle).to_contain_text("Slettes · Venter på nett")
    results = Axe().run(page, context={"include": [["#week"]]})
    assert results.violations_count == 0, results.generate_report()
    page.evaluate(TWICE)

    context.set_offline(False)
    expect_all_saved(page)
    expect(page.locator(".entry.pending")).to_have_count(0)
    expect(page.locator("#week")).to_contain_text("Revet uten nett")
    assert TimeEntry.objects.filter(description="Ny uten nett").get().hours == Decimal("2.5")
    assert TimeEntry.objects.get(pk=entries["Rives"].pk).description == "Revet uten nett"
    assert TimeEntry.objects.get(pk=entries["Tavle"].pk).is_deleted
    assert TimeEntry.objects.filter(user=user).alive().count() == 3
    assert page.evaluate(STORED) == 0

    # A change written offline to an entry that a manager approves meanwhile.
    context.set_offline(True)
    lister = page.locator(f"#entry-{entries['Lister'].pk}")
    lister.get_by_role("link", name=re.compile("Endre")).click()
    dialog = page.get_by_role("dialog", name="Endre timer")
    dialog.get_by_label("Beskrivelse").fill("Lister i gangen")
    dialog.get_by_role("button", name="Lagre").click()
    expect(lister).to_contain_text("Venter på nett")
    services.entries_approve(entries=TimeEntry.objects.filter(pk=entries["Lister"].pk), by=admin)
    context.set_offline(False)
    kept = page.get_by_role("region", name="Lagret på telefonen")
    expect(kept).to_contain_text("Ikke lagret")
    expect(kept).to_contain_text("godkjent")
    expect(kept).to_contain_text("Lister i gangen")
    expect(lister.locator(".badge.ok")).to_have_text("Godkjent")  # the week fetched again
    # The page and the worker's Background Sync may both send the refused write (each
    # gets the 409), and the box is drawn again after each: axe runs on it as it stands.
    for attempt in range(3):
        expect(kept).to_be_visible()
        try:
            results = Axe().run(page, context={"include": [[".offline-queue"]]})
            break
        except PlaywrightError:
            if attempt == 2:
                raise
    assert results.violations_count == 0, results.generate_report()
    assert TimeEntry.objects.get(pk=entries["Lister"].pk).description == "Lister"
    kept.get_by_role("button", name="Forkast").click()
    expect(kept).to_have_count(0)

    # Logging out leaves neither a waiting write nor a kept page on the phone.
    page.evaluate(
        "SvennQueue.add({url: '/timesheets/new/', kind: 'create', fields: [], shown: {},"
        " state: 'waiting'})"
    )
    assert page.evaluate(KEPT)
    page.get_by_role("button", name="Meny").click()
    page.get_by_role("button", name="Logg ut").click()
    expect(page.get_by_role("button", name="Logg inn")).to_be_visible()
    assert page.evaluate(STORED) == 0
    assert page.evaluate(KEPT) == []


def test_a_timer_started_and_stopped_offline_logs_the_time_between_the_taps(
    firm, page, context, live_server
):
    user, _admin, _entries = firm
    since_midnight = timezone.localtime() - timezone.localtime().replace(hour=0, minute=0)
    if since_midnight < datetime.timedelta(minutes=35):
        pytest.skip("the half hour before the tap would be yesterday: the midnight rule's")
    page.set_viewport_size(PHONE)
    page.on("dialog", lambda dialog: dialog.accept())  # "Forkaste tidtakeren?"
    log_in(page, live_server, user)
    assert "pages /timesheets/" in page.evaluate(KEPT)

    context.set_offline(True)
    page.reload()
    page.get_by_role("group", name="Start tidtaker").get_by_role("button", name="Loft").click()
    timer = page.get_by_role("region", name="Tidtaker går")
    expect(timer).to_contain_text("Loft")
    expect(timer).to_contain_text("Venter på nett")
    expect(page.get_by_role("group", name="Start tidtaker")).to_be_hidden()
    # Half an hour on the site; the page counts it from the tap, also after a reload.
    page.evaluate(EARLIER, 30 * 60 * 1000)
    page.reload()
    expect(timer).to_contain_text("30 min")
    results = Axe().run(page, context={"include": [["#timer-area"]]})
    assert results.violations_count == 0, results.generate_report()

    timer.get_by_role("button", name="Stopp").click()
    expect(timer).to_have_count(0)
    stopped = page.locator(".entry.pending")
    expect(stopped).to_contain_text("0,5 t")
    expect(stopped).to_contain_text("Loft")
    expect(stopped).to_contain_text("Venter på nett")
    assert not Timer.objects.exists() and not TimerEvent.objects.exists()
    page.evaluate(TWICE)  # the page and the worker both sending them

    context.set_offline(False)
    messages = page.locator("#messages")
    expect(messages).to_contain_text("Tidtakeren er stoppet og timene er lagret.")
    expect(page.locator(".entry.pending")).to_have_count(0)
    expect(page.get_by_role("group", name="Start tidtaker")).to_be_visible()
    entry = TimeEntry.objects.exclude(description__in=["Rives", "Tavle", "Lister"]).get()
    # The half hour between the taps (and the seconds the test took), not the moment
    # the two arrived together.
    assert Decimal("0.50") <= entry.hours <= Decimal("0.52"), entry.hours
    assert entry.user == user and entry.project.name == "Loft"
    assert not Timer.objects.exists()
    assert page.evaluate(STORED) == 0

    messages.get_by_role("link", name="Beskriv arbeidet").click()
    dialog = page.get_by_role("dialog", name="Endre timer")
    dialog.get_by_label("Beskrivelse").fill("Lekter på loftet")
    dialog.get_by_role("button", name="Lagre").click()
    expect(page.locator(".entry.highlight")).to_contain_text("Lekter på loftet")
    assert TimeEntry.objects.get(pk=entry.pk).description == "Lekter på loftet"

    # A timer started with the connection, stopped without it: its hours wait in its day.
    page.get_by_role("group", name="Start tidtaker").get_by_role("button", name="Loft").click()
    expect(timer).to_contain_text("Loft")
    context.set_offline(True)
    timer.get_by_role("button", name="Stopp").click()
    expect(timer).to_be_hidden()
    expect(page.locator(".timer-pill")).to_be_hidden()
    expect(page.locator(".entry.pending")).to_contain_text("Venter på nett")
    context.set_offline(False)
    expect(page.locator(".entry.pending")).to_have_count(0)
    expect(page.locator(".timer-pill")).to_have_count(0)
    assert not Timer.objects.exists()
    assert TimeEntry.objects.filter(user=user).count() == 5
    log_out(page)  # nothing of the worker's still fetching under this session

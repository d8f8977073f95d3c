"""`make bench`: "Mine timer" on a slow phone connection, in Chromium at 390 px with its
network emulation (400 ms round trip, 400 kbit/s down, 150 kbit/s up): the first visit
and a repeat visit until usable, their bytes, and the time from the connection's return
to an entry written offline being saved.

Chromium emulates the network per target: the page's requests are slowed, a service
worker's own requests are not. So the figures are measured with the service worker
blocked (the page's HTTP cache and the offline queue of the page, every byte slowed),
and the repeat visit once more with the worker, whose copy of the shell is read from
the phone (`repeat_with_worker_s`: only the page's HTML goes over the network, unslowed).
"""

import time

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
SLOW = {
    "offline": False,
    "latency": 400,  # ms, round trip
    "downloadThroughput": 400 * 1000 / 8,  # bytes/s
    "uploadThroughput": 150 * 1000 / 8,
}


class Phone:
    """One page with a session cookie, the network slowed, and the bytes it received."""

    def __init__(self, browser, base, cookie, *, worker):
        self.context = browser.new_context(
            viewport=PHONE, service_workers="allow" if worker else "block", locale="nb-NO"
        )
        self.context.add_cookies([{**cookie, "url": base}])
        self.page = self.context.new_page()
        self.cdp = self.context.new_cdp_session(self.page)
        self.cdp.send("Network.enable")
        self.cdp.send("Network.emulateNetworkConditions", SLOW)
        self.received = 0
        self.cdp.on("Network.loadingFinished", self._count)

    def _count(self, event):
        self.received += event.get("encodedDataLength", 0)

    def visit(self, url):
        """Seconds until "Mine timer" is usable (its deferred scripts have run and
        "Før timer" is there), and the kilobytes received on the way."""
        self.received = 0
        start = time.perf_counter()
        self.page.goto(url, wait_until="domcontentloaded")
        self.page.get_by_role("link", name="Før timer", exact=True).wait_for()
        self.page.wait_for_function("() => window.htmx !== undefined")
        seconds = time.perf_counter() - start
        self.page.wait_for_load_state("load")
        return round(seconds, 2), round(self.received / 1024, 1)

    def close(self):
        self.context.close()


def measure(base, cookie, week_url, description):
    """The figures of bench/last.json's "phone"; ``cookie`` is the employee's session
    cookie ({"name", "value"}), ``week_url`` a week of theirs with entries. The entry
    written offline goes into this week (``description``: the caller deletes it)."""
    url = base + week_url
    result = {"network": {"rtt_ms": 400, "down_kbit_s": 400, "up_kbit_s": 150}}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        phone = Phone(browser, base, cookie, worker=False)
        result["first_visit_s"], result["first_visit_kb"] = phone.visit(url)
        result["repeat_visit_s"], result["repeat_visit_kb"] = phone.visit(url)
        phone.visit(base + "/timesheets/")
        result["queued_entry_saved_s"] = _queued_entry(phone, description)
        phone.close()

        phone = Phone(browser, base, cookie, worker=True)
        phone.visit(url)
        phone.page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        result["repeat_with_worker_s"], result["repeat_with_worker_kb"] = phone.visit(url)
        phone.close()
        browser.close()
    return result


def _queued_entry(phone, description):
    """An entry saved without a connection; seconds from the connection's return until
    the server has it (the page says so)."""
    page = phone.page
    page.get_by_role("link", name="Før timer", exact=True).click()
    dialog = page.get_by_role("dialog", name="Før timer")
    dialog.locator("a[data-pick]").first.click()  # the latest project: one tap
    dialog.get_by_label("Timer", exact=True).fill("0,5")
    dialog.get_by_label("Beskrivelse").fill(description)
    phone.cdp.send("Network.emulateNetworkConditions", {**SLOW, "offline": True})
    dialog.get_by_role("button", name="Lagre").click()
    page.locator(".entry.pending").wait_for()
    start = time.perf_counter()
    phone.cdp.send("Network.emulateNetworkConditions", SLOW)  # back, as slow as before
    saved = page.get_by_text("Det som ventet på nett er lagret.")
    refused = page.locator(".offline-queue .message-error")
    saved.or_(refused).first.wait_for(timeout=60_000)
    if refused.count():
        raise SystemExit(f"The entry written offline was refused: {refused.first.inner_text()}")
    return round(time.perf_counter() - start, 2)

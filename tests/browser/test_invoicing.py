"""From a price to an invoiced entry in a real browser: the Administrator prices a
project, the employee logs hours and materials on it, a Moderator approves them, the
Administrator downloads the basis as PDF and marks it as invoiced, and the employee
finds the entry locked."""

import io
import re

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.models import Company
from timesheets.models import TimeEntry

from ..factories import CustomerFactory, ProjectFactory
from .conftest import DESKTOP, log_out

MATERIAL = "Kobberrør 15 mm"


def test_a_priced_project_is_billed_and_its_entry_locked(demo, page, login, live_server, axe):
    today = timezone.localdate()
    firm = Company.objects.get(name="Demo Bygg AS")
    # A customer of its own, so the basis holds this flow's work only.
    customer = CustomerFactory(company=firm, name="Flyt Rør AS", number=99001)
    project = ProjectFactory(company=firm, customer=customer, name="Flytbad", number=9901)
    # Nothing logged today yet, so the hours make no long day to ask about.
    TimeEntry.objects.filter(user__email="ansatt@demo.no", date=today).update(
        deleted_at=timezone.now()
    )
    page.set_viewport_size(DESKTOP)
    url = live_server.url

    login("admin@demo.no")
    page.goto(url + reverse("projects:update", args=[project.pk]))
    page.get_by_label("Timepris").fill("1000")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_text("1\xa0000,00 kr").first).to_be_visible()

    log_out(page)
    login("ansatt@demo.no")
    page.goto(f"{url}{reverse('timesheets:entry_create')}?date={today}&project={project.pk}")
    page.get_by_label("Timer", exact=True).fill("2")
    page.get_by_label("Beskrivelse").fill("Nytt sluk")
    page.get_by_role("button", name="Lagre").click()
    expect(page.locator("#week").get_by_text("Nytt sluk")).to_be_visible()
    entry = TimeEntry.objects.get(project=project)
    entry_url = url + reverse("timesheets:entry_update", args=[entry.pk])
    page.goto(entry_url)
    page.get_by_role("link", name="Legg til materiell").click()
    page.get_by_label("Beskrivelse").fill(MATERIAL)
    page.get_by_label("Antall").fill("3")
    page.get_by_role("button", name="Lagre").click()
    expect(page.locator("#job-lines").get_by_text(MATERIAL)).to_be_visible()

    log_out(page)
    login("moderator@demo.no")
    page.goto(f"{url}{reverse('timesheets:week')}?user={entry.user_id}")
    page.get_by_role("button", name=re.compile("Godkjenn uke")).click()
    expect(page.locator(f"#entry-{entry.pk}").get_by_text("Godkjent")).to_be_visible()

    log_out(page)
    login("admin@demo.no")
    basis = f"customer={customer.pk}&date_from={today}&date_to={today}&group=date"
    page.goto(f"{url}{reverse('invoicing:basis')}?{basis}")
    # The employee's materials have no price yet: priced from the basis, back to it.
    page.get_by_role("link", name="Mangler pris").click()
    page.get_by_label("Enhetspris").fill("50")
    page.get_by_role("button", name="Lagre").click()
    # 2 h at 1 000 kr and 3 stk at 50 kr.
    expect(page.locator("#basis").get_by_text("2\xa0150,00 kr").first).to_be_visible()
    axe(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned PDF").click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert MATERIAL in text
    page.get_by_role("button", name="Marker som fakturert").click()
    expect(
        page.get_by_text(re.compile(r"Fakturagrunnlag \d+ er markert som fakturert"))
    ).to_be_visible()

    log_out(page)
    login("ansatt@demo.no")
    page.goto(entry_url)
    expect(page.get_by_text(re.compile(r"Fakturert i fakturagrunnlag \d+"))).to_be_visible()
    expect(page.locator("#job-lines").get_by_text(MATERIAL)).to_be_visible()
    expect(page.get_by_role("button", name="Lagre")).to_have_count(0)
    page.goto(f"{url}{reverse('timesheets:week')}")
    expect(page.locator(f"#entry-{entry.pk}").get_by_text("Fakturert")).to_be_visible()

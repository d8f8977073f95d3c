"""The invoice basis as an A4 PDF: the firm, the customer, the period, the lines and the
sums in Norwegian, read back from the file; page numbers and the table's header on
every page; the invoiced basis with its number; a long basis made by a job; markup in
a name printed as text, and nothing fetched but the app's own stylesheet."""

import datetime
import gc
import io
from decimal import Decimal

import pytest
import weasyprint
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import SecurityEvent
from core import pdf
from core.models import Job
from invoicing import exports
from invoicing.models import Kind, Unit
from invoicing.selectors import Basis, Line, ProjectGroup

from .factories import JobLineFactory
from .test_invoicing_basis import PERIOD, approved
from .test_invoicing_mark import mark

pytestmark = pytest.mark.django_db

PDF_URL = reverse("invoicing:basis_pdf")
HEADER = "Dato Timer Timepris Beløp"


@pytest.fixture
def firm(world):
    """Demo Bygg AS at 950 kr, its customer with org. no. and invoice address, the
    project at 1 100 kr; 7,5 h and 2 h approved on 01.10.2026."""
    world.company.org_number = "923609016"
    world.company.hourly_rate = Decimal("950")
    world.company.save()
    world.customer.org_number = "987654325"
    world.customer.invoice_address = "Postboks 12 Sentrum\n0101 Oslo"
    world.customer.save()
    world.project.hourly_rate = Decimal("1100")
    world.project.save()
    approved(world, project=world.project, hours=Decimal("7.5"))
    approved(world, project=world.project, hours=Decimal("2"), user=world.employee2)
    return world


def pages_of(response):
    """The text of each page, spaces as spaces (the amounts' are non-breaking)."""
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return [page.extract_text().replace("\xa0", " ") for page in reader.pages]


def download(client, world, **extra):
    return client.get(PDF_URL, {"customer": world.customer.pk, **PERIOD, **extra})


def test_the_pdf_holds_the_firm_the_customer_the_period_the_lines_and_the_sums(firm, client_for):
    response = download(client_for(firm.moderator), firm)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="fakturagrunnlag-')
    (text,) = pages_of(response)
    assert "Demo Bygg AS" in text and "Org.nr. 923 609 016" in text
    assert "Kari Nordmann" in text and "Org.nr. 987 654 325" in text
    assert "Postboks 12 Sentrum\n0101 Oslo" in text
    assert "Periode 01.10.2026–31.10.2026" in text
    # The project's one price is said with its name, not on each line.
    assert f"{firm.project.number} Nytt bad · 1 100,00 kr per time" in text
    assert "01.10.2026 9,5 10 450,00 kr" in text  # 7,5 + 2 h × 1 100 kr
    assert "Sum eks. MVA 10 450,00 kr" in text
    assert "MVA 25 % 2 612,50 kr" in text
    assert "Totalt inkl. MVA 13 062,50 kr" in text
    assert "Side 1 av 1" in text
    event = SecurityEvent.objects.get(kind="exported")
    assert event.actor == firm.moderator and event.detail["format"] == "pdf"


def test_the_pdf_holds_materials_and_driving_with_their_sums(firm, client_for):
    entry = approved(firm, project=firm.project, hours=Decimal("1"))
    JobLineFactory(entry=entry, unit_price=Decimal("120"))  # 2,5 m × 120 kr
    JobLineFactory(
        entry=entry,
        kind=Kind.DRIVING,
        description="",
        route="Lager–Storgata 1",
        quantity=Decimal("12"),
        unit=Unit.KM,
    )
    firm.company.rate_per_km = Decimal("4.5")
    firm.company.save()

    (text,) = pages_of(download(client_for(firm.admin), firm))

    assert "Timer, materiell og kjøring" in text
    assert "Kobberrør 15 mm" in text and "300,00 kr" in text
    assert "Lager–Storgata 1" in text and "54,00 kr" in text  # 12 km × 4,50 kr
    assert "Sum eks. MVA 11 904,00 kr" in text  # 10,5 h × 1 100 + 300 + 54


def test_the_pdf_groups_by_employee_as_the_page_does(firm, client_for):
    (text,) = pages_of(download(client_for(firm.admin), firm, group="employee"))

    assert "Ansatt Timer Timepris Beløp" in text
    assert "Nytt bad · 1 100,00 kr per time" in text
    assert "Per Hansen 7,5 8 250,00 kr" in text
    assert "Sofie Lie 2 2 200,00 kr" in text


def test_a_project_whose_lines_differ_in_price_shows_each_lines_price(firm):
    def line(day, rate):
        amount = Decimal("0.00") if rate is None else Decimal("7.5") * rate
        return Line(datetime.date(2026, 10, day), Decimal("7.5"), rate, amount)

    mixed = ProjectGroup(1, "Nytt bad", [line(1, Decimal("1100")), line(2, Decimal("950"))])
    unpriced = ProjectGroup(2, "Garasje", [line(1, None), line(2, None)])
    html = render_to_string(
        "invoicing/_lines.html",
        {"basis": Basis([mixed, unpriced], 0, 2), "sums": Basis([mixed], 0, 0), "by_date": True},
    )

    assert (mixed.one_rate, unpriced.one_rate) == (False, True)
    assert "1\xa0100,00 kr" in html and "950,00 kr" in html  # on their lines
    assert "per time" not in html.split("Garasje")[0]
    assert 'Garasje<span class="group-rate"> · uten timepris</span>' in html


def test_a_long_basis_numbers_its_pages_and_repeats_the_header_but_not_the_sums(firm, client_for):
    day = datetime.date(2026, 8, 1)
    for n in range(70):  # a line each day
        approved(firm, project=firm.project, hours=Decimal("1"), date=day + datetime.timedelta(n))

    response = download(client_for(firm.admin), firm, date_from="2026-08-01")

    pages = pages_of(response)
    assert len(pages) >= 2
    for number, text in enumerate(pages, 1):
        assert HEADER in text
        assert f"Side {number} av {len(pages)}" in text
    assert ["Totalt inkl. MVA" in text for text in pages] == [False] * (len(pages) - 1) + [True]


def test_the_pdf_of_many_lines_takes_as_many_queries_as_of_one(firm, client_for):
    client = client_for(firm.admin)
    with CaptureQueriesContext(connection) as few:
        download(client, firm)
    for n in range(1, 21):
        approved(firm, project=firm.project, hours=Decimal("1"), date=datetime.date(2026, 10, n))
    with CaptureQueriesContext(connection) as many:
        response = download(client, firm)

    assert "20.10.2026" in pages_of(response)[0]
    assert len(many) == len(few)


def test_the_basis_page_links_its_pdf_with_the_same_choice(firm, client_for):
    page = client_for(firm.admin).get(
        reverse("invoicing:basis"), {"customer": firm.customer.pk, **PERIOD}
    )

    query = f"customer={firm.customer.pk}&amp;date_from=2026-10-01&amp;date_to=2026-10-31"
    assert f'href="{PDF_URL}?{query}&amp;group=date"' in page.text
    assert "Last ned PDF" in page.text


def test_the_invoiced_basis_pdf_shows_its_number_who_and_when(firm, client_for):
    invoiced = mark(firm, net="10450.00")
    client = client_for(firm.moderator)

    detail = client.get(reverse("invoicing:detail", args=[invoiced.pk]))
    response = client.get(reverse("invoicing:detail_pdf", args=[invoiced.pk]))

    assert reverse("invoicing:detail_pdf", args=[invoiced.pk]) in detail.text
    assert response["Content-Disposition"] == (
        f'attachment; filename="fakturagrunnlag-{invoiced.number}.pdf"'
    )
    (text,) = pages_of(response)
    assert f"Fakturagrunnlag {invoiced.number}" in text
    assert "Markert som fakturert" in text and "Ingrid Berg" in text
    assert "Totalt inkl. MVA 13 062,50 kr" in text
    assert SecurityEvent.objects.get(kind="exported").detail == {
        "format": "pdf",
        "basis": invoiced.number,
        "customer": firm.customer.pk,
    }


def test_a_basis_of_more_lines_than_a_request_makes_is_a_job_whose_download_is_logged(
    firm, client_for, monkeypatch
):
    monkeypatch.setattr(exports, "PDF_DIRECT_LINES", 0)
    client = client_for(firm.admin)

    response = download(client, firm)

    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert "Fakturagrunnlag som PDF" in client.get(response["Location"]).text
    assert not SecurityEvent.objects.filter(kind="exported").exists()  # not downloaded yet
    (text,) = pages_of(client.get(reverse("core:job_file", args=[job.pk])))
    assert "Totalt inkl. MVA 13 062,50 kr" in text
    assert SecurityEvent.objects.get(kind="exported").detail["format"] == "pdf"


def test_an_invoiced_basis_of_many_lines_is_a_job_too(firm, client_for, monkeypatch):
    invoiced = mark(firm, net="10450.00")
    monkeypatch.setattr(exports, "PDF_DIRECT_LINES", 0)
    client = client_for(firm.admin)

    response = client.get(reverse("invoicing:detail_pdf", args=[invoiced.pk]))

    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url()
    (text,) = pages_of(client.get(reverse("core:job_file", args=[job.pk])))
    assert f"Fakturagrunnlag {invoiced.number}" in text


def test_an_employee_may_not_download_either_pdf(firm, client_for):
    invoiced = mark(firm, net="10450.00")
    client = client_for(firm.employee)

    assert download(client, firm).status_code == 403
    assert client.get(reverse("invoicing:detail_pdf", args=[invoiced.pk])).status_code == 403


def test_another_firms_administrator_finds_no_pdf_of_ours(firm, client_for):
    invoiced = mark(firm, net="10450.00")
    client = client_for(firm.other_admin)

    assert download(client, firm).status_code == 404
    assert client.get(reverse("invoicing:detail_pdf", args=[invoiced.pk])).status_code == 404


class Recording(pdf.StaticOnly):
    made = []

    def __init__(self):
        super().__init__()
        Recording.made.append(self)


def test_markup_in_a_customers_name_is_printed_as_text_and_fetches_nothing(
    firm, client_for, monkeypatch
):
    firm.customer.name = "Kari <img src=http://127.0.0.1:9/x.png> AS"
    firm.customer.save()
    monkeypatch.setattr(pdf, "StaticOnly", Recording)
    Recording.made.clear()

    (text,) = pages_of(download(client_for(firm.admin), firm))

    assert "Kari <img src=http://127.0.0.1:9/x.png> AS" in text.replace("\n", "")
    (fetcher,) = Recording.made
    assert fetcher.refused == []
    assert [url.rsplit("/", 1)[1] for url in fetcher.fetched] == ["invoicing-pdf.css"]


def test_the_pdf_fetcher_refuses_every_url_but_the_apps_static_files():
    fetcher = pdf.StaticOnly()
    html = (
        '<link rel="stylesheet" href="file:///etc/passwd">'
        '<img src="http://127.0.0.1:9/x.png"><img src="/static/../../svenn/settings.py">'
        '<img src="https://svenn.invalid/media/x.png"><p>Hei</p>'
    )

    data = pdf.pdf_bytes(html, fetcher=fetcher)

    assert PdfReader(io.BytesIO(data)).pages[0].extract_text() == "Hei"
    assert fetcher.fetched == []
    assert len(fetcher.refused) == 4
    assert pdf.static_path(f"{pdf.BASE_URL}static/css/invoicing-pdf.css").endswith(
        "static/css/invoicing-pdf.css"
    )


def test_the_pdfs_lay_out_with_the_apps_own_user_agent_stylesheet():
    # core.pdf.Document overrides this hook of WeasyPrint's: if a new release renames it,
    # the PDFs would silently be laid out with the full (slow) stylesheet again.
    assert "_ua_stylesheets" in vars(weasyprint.HTML)
    html = (
        "<head><title>Tittel</title><style>p { color: red }</style></head>"
        "<h1>Fakturagrunnlag</h1><p hidden>Skjult</p>"
        "<table><tr><th>Dato</th><td>7,5</td></tr></table>"
    )

    reader = PdfReader(io.BytesIO(pdf.pdf_bytes(html)))

    # Head and hidden elements not printed; the heading is the document's outline.
    assert reader.pages[0].extract_text().split() == ["Fakturagrunnlag", "Dato", "7,5"]
    assert [item.title for item in reader.outline] == ["Fakturagrunnlag"]


def test_a_pdf_is_laid_out_without_the_cycle_collector_which_is_on_again_after(monkeypatch):
    during = []

    def write_pdf(document):
        during.append(gc.isenabled())
        raise weasyprint.urls.URLFetchingError("a failed PDF")

    monkeypatch.setattr(pdf.Document, "write_pdf", write_pdf)
    with pytest.raises(weasyprint.urls.URLFetchingError):
        pdf.pdf_bytes("<p>Fakturagrunnlag</p>")

    assert during == [False] and gc.isenabled()

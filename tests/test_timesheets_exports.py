import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scope

from accounts.models import SecurityEvent
from accounts.permissions import Role
from accounts.security_log import Kind
from core import jobs
from core.models import Job
from core.spreadsheets import BOM, XLSX, Echo, inert
from timesheets import exports, selectors
from timesheets.forms import OverviewFilterForm
from timesheets.jobs import EXPORT_XLSX

from .downloads import streamed
from .factories import CustomerFactory, ProjectFactory, TimeEntryFactory, UserFactory

HEADERS = [
    "Dato",
    "Ansatt",
    "Kundenummer",
    "Kundenavn",
    "Prosjektnummer",
    "Prosjektnavn",
    "Timer",
    "Beskrivelse",
    "Godkjent av",
    "Godkjent",
]
DAY = datetime.date(2026, 3, 5)
PERIOD = {"date_from": "2026-03-01", "date_to": "2026-03-31"}


@pytest.fixture
def entries(world):
    approved_at = timezone.make_aware(datetime.datetime(2026, 3, 6, 14, 30))
    first = TimeEntryFactory(
        user=world.employee,
        date=DAY,
        hours=Decimal("7.5"),
        project=world.project,
        customer=world.customer,
        description="Flislegging; bad, 2. etg",
        approved_at=approved_at,
        approved_by=world.moderator,
    )
    second = TimeEntryFactory(
        user=world.employee2,
        date=DAY + datetime.timedelta(days=1),
        hours=Decimal("2.25"),
        description='=HYPERLINK("x")',
    )
    TimeEntryFactory(user=world.employee, date=datetime.date(2026, 4, 1))  # outside the period
    return first, second


def csv_rows(response):
    body = streamed(response)
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_csv_export_has_fixed_columns_bom_semicolons_and_decimal_commas(world, entries, client_for):
    response = client_for(world.moderator).get(reverse("timesheets:export_csv"), PERIOD)
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0] == HEADERS
    assert rows[1] == [
        "05.03.2026",
        "Per Hansen",
        str(world.customer.number),
        "Kari Nordmann",
        str(world.project.number),
        "Nytt bad",
        "7,5",
        "Flislegging; bad, 2. etg",
        "Lars Moen",
        "06.03.2026 14:30",
    ]
    # A description that a spreadsheet would run as a formula is kept as text.
    assert rows[2] == [
        "06.03.2026",
        "Sofie Lie",
        "",
        "",
        "",
        "",
        "2,25",
        '\'=HYPERLINK("x")',
        "",
        "",
    ]
    assert len(rows) == 3


def test_xlsx_export_has_real_dates_and_numbers_with_two_decimals(world, entries, client_for):
    response = client_for(world.admin).get(reverse("timesheets:export_xlsx"), PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(streamed(response)))
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    date, name, c_no, c_name, p_no, p_name, hours, text, by, at = rows[1]
    assert date == datetime.datetime(2026, 3, 5)
    assert (name, c_no, c_name, p_no, p_name) == (
        "Per Hansen",
        world.customer.number,
        "Kari Nordmann",
        world.project.number,
        "Nytt bad",
    )
    assert hours == 7.5 and text == "Flislegging; bad, 2. etg"
    assert by == "Lars Moen" and at == datetime.datetime(2026, 3, 6, 14, 30)
    assert sheet["G2"].number_format == "0.00"
    assert sheet["A2"].number_format == "dd.mm.yyyy"
    assert rows[2][2] is None and rows[2][6] == 2.25
    assert len(rows) == 3


def test_exports_follow_the_overview_filters(world, entries, client_for):
    client = client_for(world.admin)
    rows = csv_rows(client.get(reverse("timesheets:export_csv"), {**PERIOD, "status": "open"}))
    assert [r[1] for r in rows[1:]] == ["Sofie Lie"]
    rows = csv_rows(
        client.get(reverse("timesheets:export_csv"), {**PERIOD, "user": world.employee.pk})
    )
    assert [r[0] for r in rows[1:]] == ["05.03.2026"]


def test_exports_are_for_managers_of_the_firm_only(world, entries, client_for):
    for name in ("timesheets:export_csv", "timesheets:export_xlsx"):
        assert client_for(world.employee).get(reverse(name), PERIOD).status_code == 403
    rows = csv_rows(
        client_for(world.other_admin).get(
            reverse("timesheets:export_csv"), {"date_from": "2000-01-01"}
        )
    )
    assert [r[1] for r in rows[1:]] == ["Ola Nilsen"]


def test_deleted_customer_and_project_keep_their_names_in_exports(world, entries, client_for):
    world.customer.deleted_at = timezone.now()
    world.customer.save()
    world.project.deleted_at = timezone.now()
    world.project.save()
    rows = csv_rows(client_for(world.admin).get(reverse("timesheets:export_csv"), PERIOD))
    assert rows[1][3] == "Kari Nordmann (slettet)" and rows[1][5] == "Nytt bad (slettet)"


def test_the_csv_export_is_one_query_however_many_rows(
    world, client_for, django_assert_max_num_queries
):
    customer = CustomerFactory(company=world.company)
    project = ProjectFactory(company=world.company, customer=customer)
    client = client_for(world.admin)
    client.get(reverse("timesheets:overview"))  # warm up the session
    counts = []
    for _ in range(2):
        TimeEntryFactory.create_batch(
            30, user=world.employee, date=DAY, project=project, customer=customer
        )
        with django_assert_max_num_queries(6) as queries:
            rows = csv_rows(client.get(reverse("timesheets:export_csv"), PERIOD))
        counts.append(len(queries))
        assert [query["sql"][:4] for query in queries].count("COPY") == 1
    assert len(rows) == 61
    assert counts[0] == counts[1]


# More than a month: the Excel file is made by a job (timesheets/jobs.py).
LONG = {"date_from": "2026-01-01", "date_to": "2026-04-30"}


def xlsx_rows(data):
    return list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def export_job(user, query):
    return jobs.start(EXPORT_XLSX, user=user, company=user.company, params={"query": query})


def test_an_excel_export_of_more_than_a_month_is_a_job_whose_download_is_logged(
    world, entries, client_for
):
    client = client_for(world.moderator)

    response = client.get(reverse("timesheets:export_xlsx"), LONG)

    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    page = client.get(response["Location"])
    assert "Excel-eksport av timer" in page.text and "Ferdig" in page.text
    assert "Last ned timer-" in page.text
    assert not SecurityEvent.objects.filter(kind=Kind.EXPORTED).exists()  # not downloaded yet
    download = client.get(reverse("core:job_file", args=[job.pk]))
    assert download["Content-Type"] == XLSX
    rows = xlsx_rows(download.content)
    assert list(rows[0]) == HEADERS
    assert [(row[0].date(), row[1]) for row in rows[1:]] == [
        (DAY, "Per Hansen"),
        (DAY + datetime.timedelta(days=1), "Sofie Lie"),
        (datetime.date(2026, 4, 1), "Per Hansen"),
    ]
    event = SecurityEvent.objects.get(kind=Kind.EXPORTED)
    assert event.actor == world.moderator
    assert event.detail == {"format": "xlsx", **LONG}


def test_the_export_job_makes_the_workbook_the_direct_download_makes(world, entries, client_for):
    direct = client_for(world.admin).get(reverse("timesheets:export_xlsx"), PERIOD)

    job = export_job(world.admin, "date_from=2026-03-01&date_to=2026-03-31")

    assert xlsx_rows(bytes(job.result)) == xlsx_rows(streamed(direct))
    assert (job.done, job.total) == (2, 2)


def test_an_excel_export_of_up_to_31_days_is_still_a_direct_download(world, entries, client_for):
    client = client_for(world.admin)
    url = reverse("timesheets:export_xlsx")

    assert client.get(url, PERIOD).status_code == 200
    assert client.get(url, {"date_from": "2026-03-01", "date_to": "2026-04-01"}).status_code == 302
    assert client.get(url, {"date_from": "2026-03-01"}).status_code == 302  # open-ended
    assert Job.objects.count() == 2


def test_a_csv_export_of_a_long_period_still_streams(world, entries, client_for):
    response = client_for(world.admin).get(reverse("timesheets:export_csv"), LONG)

    assert response.status_code == 200 and response.streaming
    assert len(csv_rows(response)) == 4
    assert not Job.objects.exists()


def test_the_excel_link_of_the_overview_is_followed_to_the_job_page_not_saved(world, client_for):
    page = client_for(world.admin).get(reverse("timesheets:overview"), LONG).text

    link = page[page.index("export.xlsx") :].split(">", 1)[0]
    assert "download" not in link


def test_an_employees_export_job_holds_only_what_the_employee_may_see(world, entries):
    own = export_job(world.employee, "date_from=2026-01-01&date_to=2026-04-30")
    others = export_job(
        world.employee, f"date_from=2026-01-01&date_to=2026-04-30&user={world.employee2.pk}"
    )

    assert [row[1] for row in xlsx_rows(bytes(own.result))[1:]] == ["Per Hansen", "Per Hansen"]
    assert xlsx_rows(bytes(others.result))[1:] == []


def test_the_export_job_reports_its_progress_as_it_writes(world, entries, monkeypatch):
    reported = []
    monkeypatch.setattr(exports, "CHUNK", 1)
    monkeypatch.setattr(Job, "report", lambda job, done, **kw: reported.append(done))

    export_job(world.admin, "date_from=2026-01-01&date_to=2026-04-30")

    assert reported == [0, 1, 2, 3]


def written_by_csv_module(user, query):
    """The file as the export wrote it before PostgreSQL wrote its lines: each row of
    ``exports.rows`` formatted in Python and written by csv.writer. The reference the
    file must still match byte for byte."""
    writer = csv.writer(Echo(), delimiter=";")
    filters = OverviewFilterForm(QueryDict(query), user=user).filters()
    with scope(company=user.company), translation.override("nb"):
        entries = selectors.exported_entries(user, filters)
        lines = [BOM + writer.writerow(exports.headers())]
        for row in exports.rows(entries, deleted="slettet"):
            (date, employee, c_no, c_name, p_no, p_name, hours, text, by, at) = row
            cells = [
                f"{date:%d.%m.%Y}",
                inert(employee),
                "" if c_no is None else c_no,
                inert(c_name),
                "" if p_no is None else p_no,
                inert(p_name),
                f"{hours.normalize():f}".replace(".", ","),
                inert(text),
                inert(by),
                f"{at:%d.%m.%Y %H:%M}" if at else "",
            ]
            lines.append(writer.writerow(cells))
    return "".join(lines).encode()


@pytest.fixture
def tricky(world):
    """Entries with every kind of value a cell can hold: quotes, semicolons and line
    breaks, text a spreadsheet would run, deleted and missing customers and projects,
    decimal hours, approvals on both sides of the change to summer time, Norwegian
    letters."""
    company = world.company
    odd = UserFactory(company=company, name="=Ærlig; Åse")
    approver = UserFactory(company=company, role=Role.MODERATOR, name='-Øystein "Tak" Bø')
    gone = CustomerFactory(company=company, name='Bøe & Sønn "Tak"; AS')
    formula = ProjectFactory(company=company, customer=gone, name="=Tilbygg")
    spaced = CustomerFactory(company=company, name=" Mellomrom først")
    gone.deleted_at = formula.deleted_at = timezone.now()
    gone.save()
    formula.save()
    winter = timezone.make_aware(datetime.datetime(2026, 3, 29, 1, 30))  # 01:30 CET
    summer = datetime.datetime(2026, 3, 29, 1, 30, tzinfo=datetime.UTC)  # 03:30 CEST
    rows = [
        (world.employee, "7.50", world.customer, world.project, 'Sa "hei"; så gikk vi\nvidere'),
        (world.employee, "0.25", gone, formula, '=HYPERLINK("http://x")'),
        (world.employee, "10.00", None, None, "+47 41 23 45 67"),
        (odd, "24.00", spaced, None, "-5 grader\r\nute"),
        (odd, "12.75", gone, None, "@alle\ttab"),
        (odd, "0.50", world.customer, None, ""),
        (world.employee2, "8.00", None, world.project, "Ærfugl, øl og ål"),
        (world.employee2, "1.00", world.customer, world.project, '"'),
    ]
    for index, (user, hours, customer, project, text) in enumerate(rows):
        TimeEntryFactory(
            user=user,
            date=DAY,
            hours=Decimal(hours),
            customer=customer,
            project=project,
            description=text,
            approved_at=(winter, summer, None)[index % 3],
            approved_by=(approver, world.moderator, None)[index % 3],
        )


def test_the_csv_is_byte_for_byte_the_file_the_csv_module_wrote(world, tricky, client_for):
    query = "date_from=2026-03-01&date_to=2026-03-31"

    response = client_for(world.admin).get(f"{reverse('timesheets:export_csv')}?{query}")

    body = streamed(response)
    assert body == written_by_csv_module(world.admin, query)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 9
    assert ["05.03.2026", "Per Hansen", "", "", "", "", "10", "'+47 41 23 45 67", "", ""] in rows
    deleted = next(row for row in rows if row[7].startswith("'=HYPERLINK"))
    assert deleted[3] == 'Bøe & Sønn "Tak"; AS (slettet)'
    assert deleted[5] == "'=Tilbygg (slettet)" and deleted[6] == "0,25"
    assert deleted[8] == "Lars Moen" and deleted[9] == "29.03.2026 03:30"

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from .downloads import streamed
from .factories import CustomerFactory, ProjectFactory, TimeEntryFactory

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


def test_export_reads_rows_in_chunks_with_one_query_per_chunk(
    world, client_for, django_assert_max_num_queries
):
    customer = CustomerFactory(company=world.company)
    project = ProjectFactory(company=world.company, customer=customer)
    TimeEntryFactory.create_batch(
        30, user=world.employee, date=DAY, project=project, customer=customer
    )
    client = client_for(world.admin)
    client.get(reverse("timesheets:overview"))  # warm up the session
    with django_assert_max_num_queries(6):
        response = client.get(reverse("timesheets:export_csv"), PERIOD)
        rows = csv_rows(response)
    assert len(rows) == 31

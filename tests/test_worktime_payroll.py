""" "Lønnsgrunnlag": the payroll basis of a period, per employee, with the firm's wage
type codes ("Lønnsarter"), on the page and as CSV and Excel for the payroll system.

The small firm of May 2026 below is worked out by hand (the expected table); the
firm's overtime rules: over 9 h a day or 40 h a week at 50 %, on Sundays and days off
at 100 %. Public holidays in May 2026: Friday 1 (Labour Day), Thursday 14 (Ascension
Day), Sunday 17 and Monday 25 (Whit Monday)."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import SecurityEvent
from invoicing.models import Kind, Unit
from worktime.models import (
    AbsenceKind,
    AbsenceStatus,
    OvertimeRules,
    SecondBand,
    WageTypes,
    WeekHandIn,
)

from .downloads import streamed
from .factories import (
    AbsenceFactory,
    AbsenceTypeFactory,
    JobLineFactory,
    TimebankStartFactory,
    TimeEntryFactory,
    UserFactory,
    WorkScheduleFactory,
)

pytestmark = pytest.mark.django_db

PAYROLL = reverse("worktime:payroll")
CSV = reverse("worktime:payroll_csv")
XLSX = reverse("worktime:payroll_xlsx")
MAY = {"date_from": "01.05.2026", "date_to": "31.05.2026"}
HEADER = ["E-post", "Navn", "Lønnsart", "Tekst", "Antall", "Enhet", "Dager", "Betalt"]


def day(number):
    return datetime.date(2026, 5, number)


def work(user, number, hours, **extra):
    return TimeEntryFactory(user=user, date=day(number), hours=Decimal(hours), **extra)


def handed_in(user, *mondays, returned=False):
    for monday in mondays:
        WeekHandIn.objects.create(
            company=user.company,
            user=user,
            week=day(monday) if monday > 0 else datetime.date(2026, 4, 27),
            returned_at=timezone.now() if returned else None,
        )


def approved(user, kind, start, end=None, **extra):
    return AbsenceFactory(
        user=user,
        kind=kind,
        start=day(start),
        end=day(end or start),
        status=AbsenceStatus.APPROVED,
        **extra,
    )


@pytest.fixture
def may(world):
    """Per Hansen, full time without fleksitid: overtime in both bands, a holiday
    around Ascension Day, egenmelding, driving, week 22 not handed in. Sofie Lie, 60 %
    on fleksitid (Monday to Wednesday): the timebank, paid and unpaid leave, the
    firm's own "Velferdspermisjon", week 21 sent back."""
    OvertimeRules.objects.create(company=world.company, second_band=SecondBand.SUNDAYS_AND_DAYS_OFF)
    per, sofie = world.employee, world.employee2
    for user in (per, sofie):
        TimebankStartFactory(user=user)
    WorkScheduleFactory(user=sofie, position_percent=Decimal("60"), thursday=0, friday=0, flex=True)
    # Per. Week 19: 2 h over the day's 9 on Tuesday (50 %), and on Sunday the week's
    # 40 h are passed by 2 (100 %: a Sunday). Normal 7,5 + 9 + 7,5 + 7,5 + 7,5 + 1 = 40.
    for number, hours in [(4, "7.5"), (5, "11"), (6, "7.5"), (7, "7.5"), (8, "7.5"), (10, "3")]:
        work(per, number, hours)
    # Week 20: holiday Monday to Thursday, Thursday is Ascension Day: 3 days, 22,5 h.
    approved(per, AbsenceKind.HOLIDAY, 11, 14)
    work(per, 15, "7.5")
    # Week 21: egenmelding Monday and Tuesday (2 days, 15 h), then 3 days and driving.
    approved(per, AbsenceKind.SELF_CERTIFIED, 18, 19)
    wednesday = work(per, 20, "7.5", project=world.project, customer=world.customer)
    JobLineFactory(entry=wednesday, kind=Kind.DRIVING, unit=Unit.KM, quantity=Decimal("42"))
    work(per, 21, "7.5")
    work(per, 22, "7.5")
    JobLineFactory(
        entry=None, project=world.project, user=per, date=day(22), kind=Kind.DRIVING,
        unit=Unit.KM, quantity=Decimal("18.5"),
    )  # fmt: skip
    # Week 22 is not handed in: its hours and driving are not in the basis.
    for number in (26, 27, 28, 29):
        work(per, number, "7.5")
    JobLineFactory(
        entry=None, project=world.project, user=per, date=day(27), kind=Kind.DRIVING,
        unit=Unit.KM, quantity=Decimal("100"),
    )  # fmt: skip
    handed_in(per, 0, 4, 11, 18)
    # Sofie. Week 19: Tuesday 1,5 h into the timebank, Wednesday 1,5 h out of it,
    # Thursday (no hours expected) 4 h in. A request not approved does not count.
    for number, hours in [(4, "7.5"), (5, "9"), (6, "6"), (7, "4")]:
        work(sofie, number, hours)
    AbsenceFactory(user=sofie, kind=AbsenceKind.SICK_CHILD, start=day(6), end=day(6))
    # Week 20: paid leave Monday, 3 h unpaid leave Tuesday.
    approved(sofie, AbsenceKind.PAID_LEAVE, 11)
    approved(sofie, AbsenceKind.UNPAID_LEAVE, 12, hours=Decimal("3"))
    work(sofie, 12, "4.5")
    work(sofie, 13, "7.5")
    # Week 21 was handed in and sent back: not counted.
    for number in (18, 19, 20):
        work(sofie, number, "7.5")
    # Week 22: 2 h on Whit Monday into the timebank, 2 h of the firm's own paid type.
    welfare = AbsenceTypeFactory(company=world.company, name="Velferdspermisjon", wage_code="2350")
    approved(sofie, AbsenceKind.PAID_LEAVE, 26, custom_type=welfare, hours=Decimal("2"))
    work(sofie, 25, "2")
    work(sofie, 26, "5.5")
    work(sofie, 27, "7.5")
    handed_in(sofie, 0, 4, 11, 25)
    handed_in(sofie, 18, returned=True)
    return world


# The file's rows, worked out by hand above (without the period's two columns).
EXPECTED = [
    ["per@x", "Per Hansen", "1000", "Normaltid", "70", "timer", "", ""],
    ["per@x", "Per Hansen", "1100", "Overtid 50 %", "2", "timer", "", ""],
    ["per@x", "Per Hansen", "1110", "Overtid 100 %", "2", "timer", "", ""],
    ["per@x", "Per Hansen", "7000", "Kjøring", "60,5", "km", "", ""],
    ["per@x", "Per Hansen", "2000", "Ferie", "22,5", "timer", "3", "ja"],
    ["per@x", "Per Hansen", "2100", "Egenmelding", "15", "timer", "2", "ja"],
    # 22,5 in week 19, 0 + 4,5 + 7,5 in week 20, 0 + 5,5 + 7,5 in week 22.
    ["sofie@x", "Sofie Lie", "1000", "Normaltid", "47,5", "timer", "", ""],
    ["sofie@x", "Sofie Lie", "1200", "Timebank inn", "7,5", "timer", "", ""],
    ["sofie@x", "Sofie Lie", "1210", "Timebank ut", "1,5", "timer", "", ""],
    ["sofie@x", "Sofie Lie", "2300", "Permisjon med lønn", "7,5", "timer", "1", "ja"],
    ["sofie@x", "Sofie Lie", "2310", "Permisjon uten lønn", "3", "timer", "0", "nei"],
    ["sofie@x", "Sofie Lie", "2350", "Velferdspermisjon", "2", "timer", "0", "ja"],
]


def with_emails(rows, world):
    emails = {"per@x": world.employee.email, "sofie@x": world.employee2.email}
    return [[emails.get(row[0], row[0]), *row[1:]] for row in rows]


def test_the_csv_file_has_the_hand_computed_rows_of_the_month(may, client_for):
    response = client_for(may.admin).get(CSV, MAY)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="lonnsgrunnlag-2026-05-01-2026-05-31.csv"'
    )
    rows = list(csv.reader(io.StringIO(streamed(response).decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [*HEADER, "Fra dato", "Til dato"]
    assert {tuple(row[-2:]) for row in rows[1:]} == {("01.05.2026", "31.05.2026")}
    assert [row[:-2] for row in rows[1:]] == with_emails(EXPECTED, may)


def test_the_excel_file_has_the_same_rows_as_numbers_and_dates(may, client_for):
    response = client_for(may.admin).get(XLSX, MAY)
    assert response["Content-Disposition"].endswith('"lonnsgrunnlag-2026-05-01-2026-05-31.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(streamed(response))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][:8]) == HEADER
    first = rows[1]
    assert first[:6] == (may.employee.email, "Per Hansen", "1000", "Normaltid", 70, "timer")
    assert first[8:] == (datetime.datetime(2026, 5, 1), datetime.datetime(2026, 5, 31))
    assert rows[5][4:8] == (22.5, "timer", 3, "ja")
    assert len(rows) == 1 + len(EXPECTED)
    assert SecurityEvent.objects.filter(kind="exported", actor=may.admin).count() == 1


def test_the_page_lists_each_employees_lines_totals_and_who_is_missing(may, client_for):
    response = client_for(may.admin).get(PAYROLL, MAY)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mangler levering:" in html
    missing = {
        e.user.name: [w.number for w in e.missing] for e in response.context["basis"].missing
    }
    assert missing == {"Per Hansen": [22], "Sofie Lie": [21]}
    assert "74 t normaltid og overtid, 37,5 t fravær, 60,5 km" in html  # Per: 70 + 2 + 2
    assert "47,5 t normaltid og overtid, 12,5 t fravær, 0 km" in html
    assert "Permisjon uten lønn" in html and "Velferdspermisjon" in html


def test_the_firms_own_codes_are_in_the_file(may, client_for):
    WageTypes.objects.create(company=may.company, normal="N-1", unpaid_leave="U9")
    rows = streamed(client_for(may.admin).get(CSV, MAY)).decode("utf-8-sig")
    assert ";N-1;Normaltid;70;" in rows and ";U9;Permisjon uten lønn;3;" in rows


def test_the_period_defaults_to_last_month(world, client_for):
    response = client_for(world.admin).get(PAYROLL)
    first_of_this = timezone.localdate().replace(day=1)
    last = first_of_this - datetime.timedelta(days=1)
    basis = response.context["basis"]
    assert (basis.start, basis.end) == (last.replace(day=1), last)


def test_the_month_shortcut_is_the_whole_month(may, client_for):
    response = client_for(may.admin).get(PAYROLL, {"month": "2026-05"})
    basis = response.context["basis"]
    assert (basis.start, basis.end) == (day(1), day(31))
    html = response.content.decode()
    assert f"{CSV}?date_from=2026-05-01&amp;date_to=2026-05-31" in html
    assert 'value="01.05.2026"' in html and 'value="31.05.2026"' in html
    assert "?month=2026-04" in html and "?month=2026-06" in html


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            {"date_from": "31.05.2026", "date_to": "01.05.2026"},
            "date_to",
            "«Til dato» må være samme dag som eller etter «Fra dato».",
        ),
        (
            {"date_from": "01.01.2025", "date_to": "01.05.2026"},
            "date_to",
            "Velg en periode på høyst ett år.",
        ),
        ({"date_from": "01.05.2026"}, "date_to", "Skriv inn en dato."),
        ({"month": "mai"}, "month", "Skriv måneden som år og måned, for eksempel 2026-11."),
    ],
)
@pytest.mark.parametrize("url", [PAYROLL, CSV])
def test_a_bad_period_is_a_message_next_to_its_field(world, client_for, url, query, field, message):
    response = client_for(world.admin).get(url, query)
    assert response.status_code == 422
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()


@pytest.mark.parametrize(
    ("actor", "status"), [("admin", 200), ("moderator", 403), ("employee", 403)]
)
@pytest.mark.parametrize("url", [PAYROLL, CSV, XLSX])
def test_only_the_administrator_sees_pay_data(may, client_for, actor, status, url):
    assert client_for(may.user(actor)).get(url, MAY).status_code == status


def test_another_firms_administrator_sees_only_their_own_firm(may, client_for):
    response = client_for(may.other_admin).get(PAYROLL, MAY)
    assert response.status_code == 200
    assert response.context["basis"].employees == []
    rows = streamed(client_for(may.other_admin).get(CSV, MAY)).decode("utf-8-sig")
    assert "Per Hansen" not in rows and len(rows.splitlines()) == 1


def test_the_menu_of_working_time_links_the_payroll_basis_for_the_administrator(world, client_for):
    balances = reverse("worktime:balances")
    assert PAYROLL in client_for(world.admin).get(balances).content.decode()
    assert PAYROLL not in client_for(world.moderator).get(balances).content.decode()


def a_month_of(user, project):
    """Two weeks handed in: overtime, a sick note and driving."""
    TimebankStartFactory(user=user)
    for number in (4, 5, 6, 7, 8):
        work(user, number, "9.5")
    approved(user, AbsenceKind.SICK_NOTE, 11, 12)
    JobLineFactory(
        entry=None, project=project, user=user, date=day(7), kind=Kind.DRIVING,
        unit=Unit.KM, quantity=Decimal("10"),
    )  # fmt: skip
    handed_in(user, 4, 11)


def test_the_queries_do_not_grow_with_employees(world, client_for, django_assert_num_queries):
    client = client_for(world.admin)
    a_month_of(world.employee, world.project)
    client.get(PAYROLL, MAY)
    with CaptureQueriesContext(connection) as one:
        client.get(PAYROLL, MAY)
    for n in range(8):
        a_month_of(UserFactory(company=world.company, name=f"Ansatt {n}"), world.project)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(PAYROLL, MAY)
    employees = response.context["basis"].employees
    assert len(employees) == 9
    assert {employee.km for employee in employees} == {Decimal("10")}


# "Lønnsarter": the box on the rules page ------------------------------------------

RULES = reverse("worktime:rules")
WAGE_TYPES = reverse("worktime:wage_types")


def codes(**changed):
    return {**{name: getattr(WageTypes(), name) for name in WageTypes.FIELDS}, **changed}


def test_the_firm_has_default_codes_and_the_administrator_changes_them(world, client_for):
    welfare = AbsenceTypeFactory(company=world.company, name="Velferdspermisjon", paid=False)
    client = client_for(world.admin)
    box = client.get(RULES).content.decode().split('id="wage-types"')[1]
    # The firm's own unpaid type has unpaid leave's code until it gets its own.
    assert 'value="1000"' in box and f'name="type-{welfare.pk}" value="2310"' in box
    data = codes(normal="L100", overtime_second="1120", **{f"type-{welfare.pk}": "2360"})
    response = client.post(WAGE_TYPES, data)
    assert response.status_code == 302
    saved = WageTypes.objects.get(company=world.company)
    assert (saved.normal, saved.overtime_second, saved.unpaid_leave) == ("L100", "1120", "2310")
    welfare.refresh_from_db()
    assert welfare.wage_code == "2360"
    assert 'value="L100"' in client.get(RULES).content.decode()


def test_a_bad_code_is_a_message_next_to_its_field_and_nothing_is_saved(world, client_for):
    welfare = AbsenceTypeFactory(company=world.company, name="Velferdspermisjon")
    data = codes(driving="=1+1", **{f"type-{welfare.pk}": "2360"})
    response = client_for(world.admin).post(WAGE_TYPES, data)
    assert response.status_code == 422
    form = response.context["wage_form"]
    assert form.errors["driving"] == ["En lønnsart er bokstaver og sifre, for eksempel 1000."]
    assert not WageTypes.objects.exists()
    welfare.refresh_from_db()
    assert welfare.wage_code == ""


@pytest.mark.parametrize("actor", ["moderator", "employee"])
def test_only_the_administrator_sets_the_codes(world, client_for, actor):
    assert client_for(world.user(actor)).post(WAGE_TYPES, codes()).status_code == 403
    assert not WageTypes.objects.exists()


def test_platform_staff_read_the_firms_codes_in_the_django_admin(world, client_for):
    WageTypes.objects.create(company=world.company, normal="L100")
    staff = UserFactory(company=None, is_staff=True, is_superuser=True)
    response = client_for(staff).get(reverse("admin:worktime_wagetypes_changelist"))
    assert response.status_code == 200 and "L100" in response.content.decode()

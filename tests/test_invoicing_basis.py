"""The invoice basis ("Fakturagrunnlag"): a customer's approved, billable hours of a
period, by project and then by date or employee, priced, with MVA, in Norwegian."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import SecurityEvent
from invoicing.models import Kind, Unit
from invoicing.selectors import basis, basis_page, first_lines

from .factories import CustomerFactory, JobLineFactory, ProjectFactory, TimeEntryFactory

pytestmark = pytest.mark.django_db

URL = reverse("invoicing:basis")
XLSX = reverse("invoicing:basis_xlsx")
DECEMBER = datetime.date(2026, 10, 1)  # before the world's own entry, logged today
PERIOD = {"date_from": "2026-10-01", "date_to": "2026-10-31"}


def approved(world, **fields):
    fields.setdefault("user", world.employee)
    fields.setdefault("customer", world.customer)
    fields.setdefault("date", DECEMBER)
    return TimeEntryFactory(approved_at=timezone.now(), approved_by=world.admin, **fields)


@pytest.fixture
def priced(world):
    """The firm at 950 kr, the project at 1 100 kr; 7,5 h and 2 h approved on it."""
    world.company.hourly_rate = Decimal("950")
    world.company.save()
    world.project.hourly_rate = Decimal("1100")
    world.project.save()
    approved(world, project=world.project, hours=Decimal("7.5"))
    approved(world, project=world.project, hours=Decimal("2"), user=world.employee2)
    return world


def ask(client, world, **extra):
    return client.get(URL, {"customer": world.customer.pk, **PERIOD, **extra})


def test_the_basis_prices_approved_hours_by_project_and_date_in_norwegian(priced, client_for):
    approved(priced, hours=Decimal("1.5"), project=None)  # at the firm's price

    response = ask(client_for(priced.moderator), priced)

    assert response.status_code == 200
    html = response.text
    assert f"{priced.project.number} Nytt bad" in html
    assert "01.10.2026" in html
    assert "9,5" in html  # 7,5 + 2 hours of the day
    assert "10\xa0450,00 kr" in html  # 9,5 × 1 100
    assert "1\xa0425,00 kr" in html  # 1,5 × 950
    assert "11\xa0875,00 kr" in html  # sum excl. MVA
    assert "2\xa0968,75 kr" in html  # MVA 25 %
    assert "14\xa0843,75 kr" in html  # total


def test_a_long_basis_shows_its_first_lines_with_the_sums_of_all(priced, client_for, monkeypatch):
    monkeypatch.setattr("invoicing.views.SHOWN_LINES", 2)
    for day in (2, 3):  # two more days: three lines in all
        approved(priced, project=priced.project, date=DECEMBER.replace(day=day))

    html = ask(client_for(priced.admin), priced).text

    assert "Siden viser de første 2 av grunnlagets 3 linjer" in html
    assert "01.10.2026" in html and "02.10.2026" in html and "03.10.2026" not in html
    # The sums are of all three days: 9,5 + 7,5 + 7,5 hours at 1 100 kr.
    assert "26\xa0950,00 kr" in html
    # Marking it marks all of it: the sum it expects is the whole basis's.
    assert 'name="expected_net" value="26950.00"' in html


def test_the_basis_groups_by_employee_when_asked(priced, client_for):
    response = ask(client_for(priced.admin), priced, group="employee")

    assert "Per Hansen" in response.text
    assert "Sofie Lie" in response.text
    assert "8\xa0250,00 kr" in response.text  # 7,5 × 1 100


@pytest.mark.parametrize("group", ["date", "employee"])
def test_per_date_and_per_employee_bill_the_same_each_entry_rounded_to_the_ore(
    world, client_for, group
):
    # 0,25 h on each of two days at 333,33 kr: 83,3325 kr, so 83,33 kr, each. Per
    # employee, rounded after summing the hours, it would be 0,5 h: 166,67 kr.
    world.company.hourly_rate = Decimal("333.33")
    world.company.save()
    for day in (DECEMBER, DECEMBER + datetime.timedelta(days=1)):
        approved(world, hours=Decimal("0.25"), date=day)

    found = basis(
        company=world.company,
        customer=world.customer,
        date_from=DECEMBER,
        date_to=datetime.date(2026, 10, 31),
        group=group,
    )
    html = ask(client_for(world.admin), world, group=group).text

    assert (found.net, found.mva, found.total) == (
        Decimal("166.66"),
        Decimal("41.67"),
        Decimal("208.33"),
    )
    assert "166,66 kr" in html and "208,33 kr" in html
    assert "166,67 kr" not in html


def test_unapproved_not_billable_deleted_and_other_customers_hours_are_left_out(priced):
    TimeEntryFactory(user=priced.employee, customer=priced.customer, date=DECEMBER, hours=3)
    TimeEntryFactory(user=priced.employee, customer=priced.customer, date=DECEMBER, hours=1)
    approved(priced, hours=Decimal("4"), billable=False)
    approved(priced, hours=Decimal("4"), deleted_at=timezone.now())
    approved(priced, hours=Decimal("4"), customer=CustomerFactory(company=priced.company))
    approved(priced, hours=Decimal("4"), date=datetime.date(2026, 9, 30))

    found = basis(
        company=priced.company,
        customer=priced.customer,
        date_from=DECEMBER,
        date_to=datetime.date(2026, 10, 31),
    )

    assert found.hours == Decimal("9.5")
    assert found.unapproved == 2


def test_unapproved_entries_are_counted_and_linked_to_the_overview(priced, client_for):
    for _ in range(3):
        TimeEntryFactory(user=priced.employee, customer=priced.customer, date=DECEMBER)

    html = ask(client_for(priced.admin), priced).text

    assert "3 føringer er ikke godkjent" in html
    assert f"/timesheets/overview/?customer={priced.customer.pk}&amp;" in html
    assert "status=open" in html


def test_one_project_of_the_customer_can_be_billed_alone(priced, client_for):
    other = ProjectFactory(company=priced.company, customer=priced.customer, name="Garasje")
    approved(priced, project=other, hours=Decimal("3"))

    html = ask(client_for(priced.admin), priced, project=other.pk).text

    assert "Garasje" in html
    assert "Nytt bad" not in html.split('id="basis"')[1]
    assert "2\xa0850,00 kr" in html  # 3 × 950


def test_a_project_of_another_customer_is_refused_next_to_the_field(priced, client_for):
    stranger = ProjectFactory(
        company=priced.company, customer=CustomerFactory(company=priced.company)
    )

    response = ask(client_for(priced.admin), priced, project=stranger.pk)

    assert response.status_code == 422
    assert "Velg et av kundens prosjekter." in response.text


def test_a_period_that_ends_before_it_starts_is_refused(priced, client_for):
    response = client_for(priced.admin).get(
        URL, {"customer": priced.customer.pk, "date_from": "2026-10-31", "date_to": "2026-10-01"}
    )

    assert response.status_code == 422


def test_the_page_opened_from_the_menu_asks_for_a_customer_without_an_error(world, client_for):
    response = client_for(world.admin).get(URL)

    assert response.status_code == 200
    assert "error-summary" not in response.text
    assert "Fakturagrunnlag" in client_for(world.admin).get("/").text


def test_the_excel_file_holds_the_lines_and_the_sums(priced, client_for):
    response = client_for(priced.admin).get(XLSX, {"customer": priced.customer.pk, **PERIOD})

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = list(sheet.iter_rows(values_only=True))
    assert cells[1][:2] == ("Kunde", "Kari Nordmann")
    assert (f"{priced.project.number} Nytt bad", "01.10.2026", 9.5, 1100, 10450) in [
        row[:5] for row in cells
    ]
    assert [row[3:5] for row in cells[-3:]] == [
        ("Sum eks. MVA", 10450),
        ("MVA 25 %", 2612.5),
        ("Totalt inkl. MVA", 13062.5),
    ]
    assert SecurityEvent.objects.filter(kind="exported", detail__format="xlsx").exists()


def test_an_employee_may_not_open_or_download_a_basis(priced, client_for):
    client = client_for(priced.employee)

    assert ask(client, priced).status_code == 403
    assert client.get(XLSX, {"customer": priced.customer.pk, **PERIOD}).status_code == 403
    assert "Fakturagrunnlag" not in client.get("/").text


# The page's basis: the first lines, the sums of all from the database


def shape(cut):
    """What a page shows of a cut basis: its lines and every sum."""
    groups = [
        (
            group.number,
            group.name,
            [(line.label, line.hours, line.rate, line.amount) for line in group.lines],
            [row.pk for row in group.materials],
            [row.pk for row in group.driving],
            group.hours,
            group.hours_amount,
            group.materials_amount,
            group.driving_amount,
            group.km,
        )
        for group in cut.projects
    ]
    whole = cut.full
    sums = [
        getattr(whole, name)
        for name in (
            "hours", "hours_net", "materials_net", "driving_net", "net", "mva", "total",
            "unapproved", "unpriced", "unpriced_lines", "line_count", "has_lines",
        )
    ]  # fmt: skip
    return groups, sums


@pytest.fixture
def mixed(priced):
    """Two projects (one without a price of its own, and the firm without one: no price
    at all), hours without a project, two employees, materials priced and not, driving
    and a line on a project."""
    world = priced
    world.company.hourly_rate = None
    world.company.rate_per_km = Decimal("4.50")
    world.company.save()
    garage = ProjectFactory(company=world.company, customer=world.customer, name="Garasje")
    for day in range(1, 9):
        date = DECEMBER.replace(day=day)
        approved(world, project=garage, date=date, hours=Decimal("1.25"))
        entry = approved(world, project=world.project, date=date, user=world.employee2)
        if day % 3 == 0:
            approved(world, date=date, hours=Decimal("0.5"))  # no project
        if day % 2:
            JobLineFactory(entry=entry, unit_price=Decimal("99.90") if day > 2 else None)
        if day == 4:
            JobLineFactory(
                entry=entry, kind=Kind.DRIVING, unit=Unit.KM, description="",
                route="Lager – Storgata 5", quantity=Decimal("12.5"),
            )  # fmt: skip
    JobLineFactory(
        entry=None, project=garage, user=world.admin, date=DECEMBER, approved_at=timezone.now(),
        unit_price=Decimal("10"),
    )  # fmt: skip
    TimeEntryFactory(user=world.employee, customer=world.customer, date=DECEMBER)  # open
    world.garage = garage
    return world


@pytest.mark.parametrize("group", ["date", "employee"])
@pytest.mark.parametrize("limit", [1, 2, 7, 8, 9, 12, 20, 300])
def test_the_page_shows_the_first_lines_and_the_sums_of_the_whole_basis(mixed, group, limit):
    choice = {
        "company": mixed.company,
        "customer": mixed.customer,
        "date_from": DECEMBER,
        "date_to": datetime.date(2026, 10, 31),
        "group": group,
    }
    whole = basis(**choice)
    assert whole.line_count > 20 if group == "date" else whole.line_count > 5
    assert whole.unpriced and whole.unpriced_lines and whole.has_lines and whole.unapproved

    assert shape(basis_page(limit=limit, **choice)) == shape(first_lines(whole, limit))


@pytest.mark.parametrize("limit", [1, 8, 9, 300])
def test_the_page_of_one_project_shows_its_first_lines_and_its_sums(mixed, limit):
    choice = {
        "company": mixed.company,
        "customer": mixed.customer,
        "project": mixed.garage,
        "date_from": DECEMBER,
        "date_to": datetime.date(2026, 10, 31),
    }
    whole = basis(**choice)
    assert whole.line_count == 9 and whole.has_lines  # 8 days and its own line

    assert shape(basis_page(limit=limit, **choice)) == shape(first_lines(whole, limit))

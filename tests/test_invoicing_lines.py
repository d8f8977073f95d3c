"""Materials and driving ("Materiell", "Kjøring") on an entry or a project: who adds
and prices them, how they are priced and rounded, how they follow the entry's approval,
how the basis bills them and locks them (form, service, admin, database), and that an
Ansatt never sees a price of them."""

import datetime
import io
import re
import threading
from decimal import Decimal

import openpyxl
import pghistory
import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from invoicing import selectors, services
from invoicing.models import InvoiceBasis, InvoicedJobLine, JobLine, Kind, Unit
from projects.models import Project
from timesheets import services as entry_services
from timesheets.models import DONE, READY, WAITING, TimeEntry

from .factories import CustomerFactory, JobLineFactory, UserFactory
from .test_invoicing_basis import DECEMBER, PERIOD, approved
from .test_invoicing_mark import between_the_read_and_the_write

pytestmark = pytest.mark.django_db

MARK = reverse("invoicing:mark")
OCTOBER_END = datetime.date(2026, 10, 31)


def new_line_url(entry, kind="material"):
    return f"{reverse('invoicing:line_create_entry', args=[entry.pk])}?kind={kind}"


def add(world, *, by=None, entry=None, kind=Kind.MATERIAL, **values):
    values.setdefault("description", "Kobberrør 15 mm")
    values.setdefault("quantity", Decimal("2.5"))
    values.setdefault("unit", Unit.METRE)
    if kind == Kind.DRIVING:
        values.setdefault("route", "Lager – Storgata 5")
    return services.line_create(
        company=world.company,
        by=by or world.employee,
        kind=kind,
        entry=entry or world.entry,
        **values,
    )


def basis_of(world):
    return selectors.basis(
        company=world.company, customer=world.customer, date_from=DECEMBER, date_to=OCTOBER_END
    )


def mark(world, net, by=None):
    return services.basis_mark_invoiced(
        company=world.company,
        by=by or world.admin,
        customer=world.customer,
        date_from=DECEMBER,
        date_to=OCTOBER_END,
        expected_net=Decimal(net),
    )


@pytest.fixture
def billed(world):
    """An approved entry of 2 h at 1 000 kr, with 2,5 m at 99,90 kr and 12,5 km at the
    firm's 4,50 kr: 2 000 + 249,75 + 56,25 = 2 306,00 kr."""
    world.company.hourly_rate = Decimal("1000")
    world.company.rate_per_km = Decimal("4.50")
    world.company.save()
    entry = approved(world, project=world.project, hours=Decimal("2"))
    world.material = JobLineFactory(entry=entry, unit_price=Decimal("99.90"))
    world.driving = JobLineFactory(
        entry=entry,
        kind=Kind.DRIVING,
        unit=Unit.KM,
        description="",
        route="Lager – Storgata 5",
        quantity=Decimal("12.5"),
    )
    world.approved_entry = entry
    return world


# Writing lines


def test_an_employee_adds_materials_to_their_entry_without_a_price(world, client_for):
    client = client_for(world.employee)
    form = client.get(new_line_url(world.entry)).text
    assert 'name="unit_price"' not in form

    response = client.post(
        new_line_url(world.entry),
        {"description": "Kobberrør 15 mm", "quantity": "2,5", "unit": "m"},
    )

    assert response.status_code == 302
    line = JobLine.objects.get()
    assert (line.entry, line.user, line.quantity, line.unit, line.unit_price) == (
        world.entry,
        world.employee,
        Decimal("2.5"),
        "m",
        None,
    )
    page = client.get(reverse("timesheets:entry_update", args=[world.entry.pk])).text
    assert "Kobberrør 15 mm" in page and "2,5 m" in page


def test_an_employee_may_not_set_a_price_even_by_hand(world):
    with pytest.raises(PermissionDenied):
        add(world, unit_price=Decimal("10"))
    assert not JobLine.objects.exists()


def test_a_manager_prices_an_employees_line_on_an_approved_entry(world, client_for):
    line = add(world)
    entry_services.entries_approve(entries=type(world.entry).objects.all(), by=world.admin)
    url = reverse("invoicing:line_update", args=[line.pk])
    client = client_for(world.moderator)

    page = client.get(url).text
    assert 'name="unit_price"' in page and 'name="quantity"' not in page
    response = client.post(url, {"unit_price": "149,50", "version": line.version})

    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.unit_price, line.quantity) == (Decimal("149.50"), Decimal("2.5"))


def test_a_line_follows_its_entrys_approval_for_the_employee(world, client_for):
    line = add(world)
    entry_services.entries_approve(entries=type(world.entry).objects.all(), by=world.admin)
    line.refresh_from_db()
    url = reverse("invoicing:line_update", args=[line.pk])
    data = {"description": "Annet", "quantity": "1", "unit": "stk", "version": line.version}

    response = client_for(world.employee).post(url, data)

    assert response.status_code == 409
    assert "godkjent" in response.text
    assert JobLine.objects.get().description == "Kobberrør 15 mm"
    with pytest.raises(entry_services.EntryLocked):
        services.line_delete(line=line, by=world.employee)
    # An Administrator changes an approved entry, and so its lines, until invoiced.
    data.pop("version")
    assert services.line_update(line=line, by=world.admin, version=line.version, **data)


def test_driving_is_in_km_from_to_and_priced_at_the_firms_rate(world):
    world.company.rate_per_km = Decimal("4.50")
    world.company.save()
    entry = approved(world, project=world.project)
    line = add(world, by=world.admin, entry=entry, kind=Kind.DRIVING, quantity=Decimal("12.5"))

    assert (line.unit, line.route, line.unit_price) == ("km", "Lager – Storgata 5", None)
    driving = basis_of(world).projects[0].driving
    assert [(row.unit_price, row.amount) for row in driving] == [
        (Decimal("4.50"), Decimal("56.25"))
    ]


def test_each_lines_amount_is_rounded_half_up_to_the_ore(world):
    entry = approved(world, project=world.project)
    for price in ("0.67", "0.67"):  # 1,5 × 0,67 = 1,005 -> 1,01 each, not 2,01 summed
        JobLineFactory(entry=entry, quantity=Decimal("1.5"), unit_price=Decimal(price))

    group = basis_of(world).projects[0]

    assert [row.amount for row in group.materials] == [Decimal("1.01"), Decimal("1.01")]
    assert group.materials_amount == Decimal("2.02")


def test_a_line_is_on_an_entry_or_on_a_project_never_both_in_the_database(world):
    line = JobLineFactory(entry=world.entry)
    with pytest.raises(IntegrityError), transaction.atomic():
        JobLine.objects.filter(pk=line.pk).update(project=world.project)
    with pytest.raises(IntegrityError), transaction.atomic():
        JobLine.objects.filter(pk=line.pk).update(quantity=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        JobLine.objects.filter(pk=line.pk).update(unit="km")


def test_a_line_on_a_project_has_its_own_day_and_approval(world, client_for):
    url = reverse("invoicing:line_create_project", args=[world.project.pk])
    client = client_for(world.employee)
    data = {"date": "01.10.2026", "description": "Gips", "quantity": "4", "unit": "stk"}

    assert client.post(url, data).status_code == 302
    line = JobLine.objects.get()
    assert (line.project, line.date, line.is_approved) == (
        world.project,
        DECEMBER,
        False,
    )
    assert basis_of(world).unapproved_lines == 1
    with pytest.raises(PermissionDenied):  # not one's own to approve
        services.line_approve(line=line, by=world.employee)

    page = client_for(world.moderator).get(world.project.get_absolute_url()).text
    assert "Gips" in page and reverse("invoicing:line_approve", args=[line.pk]) in page
    approve = client_for(world.moderator).post(reverse("invoicing:line_approve", args=[line.pk]))

    assert approve.status_code == 302
    line.refresh_from_db()
    assert line.is_approved and line.approved_by == world.moderator
    assert basis_of(world).projects[0].materials[0].description == "Gips"
    # Approved: the employee can no longer change it.
    assert services.line_lock(world.employee, line)


def test_an_administrator_reopens_a_project_lines_approval_until_it_is_invoiced(world, client_for):
    line = JobLineFactory(
        entry=None, project=world.project, user=world.employee, date=DECEMBER,
        unit_price=Decimal("10"),
    )  # fmt: skip
    services.line_approve(line=line, by=world.moderator)
    url = reverse("invoicing:line_reopen", args=[line.pk])
    card = world.project.get_absolute_url()

    # Undoing an approval is the Administrator's, as for an entry.
    assert url not in client_for(world.moderator).get(card).text
    assert client_for(world.moderator).post(url).status_code == 403
    assert url in client_for(world.admin).get(card).text
    assert client_for(world.admin).post(url).status_code == 302
    line.refresh_from_db()
    assert not line.is_approved and services.line_lock(world.employee, line) is None

    # Once invoiced, only reopening the basis releases it.
    services.line_approve(line=line, by=world.admin)
    mark(world, str(basis_of(world).net))
    assert url not in client_for(world.admin).get(card).text
    assert client_for(world.admin).post(url).status_code == 403  # as an invoiced entry
    line.refresh_from_db()
    assert line.is_approved and line.is_invoiced


def test_a_lines_history_says_who_priced_approved_reopened_and_changed_it(world, client_for):
    gips = {"description": "Gips", "unit": Unit.PIECE}
    with pghistory.context(user=world.employee.pk):  # as the request's middleware says
        line = services.line_create(
            company=world.company, by=world.employee, project=world.project,
            kind=Kind.MATERIAL, date=DECEMBER, quantity=Decimal("4"), **gips,
        )  # fmt: skip
    with pghistory.context(user=world.moderator.pk):
        price = {"version": line.version, "unit_price": Decimal("89.90")}
        line = services.line_set_price(line=line, by=world.moderator, **price)
        line = services.line_approve(line=line, by=world.moderator)
    with pghistory.context(user=world.admin.pk):
        line = services.line_reopen(line=line, by=world.admin)
    with pghistory.context(user=world.employee.pk):
        change = {"version": line.version, "quantity": Decimal("6"), **gips}
        services.line_update(line=line, by=world.employee, **change)

    seen = [(row.action, row.by, row.fields) for row in selectors.line_history(line, prices=True)]
    assert seen == [
        ("endret", "Per Hansen", [("antall", "4", "6")]),
        ("åpnet igjen", "Ingrid Berg", []),
        ("godkjent", "Lars Moen", []),
        ("endret", "Lars Moen", [("enhetspris", "–", "89,90 kr")]),
        ("lagt til", "Per Hansen", []),
    ]
    # Without prices, the price is no step at all; the page shows the history.
    assert [row.action for row in selectors.line_history(line, prices=False)] == [
        "endret", "åpnet igjen", "godkjent", "lagt til"
    ]  # fmt: skip
    page = client_for(world.employee).get(reverse("invoicing:line_update", args=[line.pk])).text
    assert "Historikk" in page and "åpnet igjen" in page.lower() and "89,90" not in page


@pytest.mark.parametrize("typed", ["abc", "-1", "0", "1e9", "NaN", "", "1000000", "2,555"])
def test_a_quantity_that_is_no_quantity_is_refused_next_to_the_field(world, client_for, typed):
    data = {"description": "Kobberrør", "quantity": typed, "unit": "m"}

    response = client_for(world.employee).post(new_line_url(world.entry), data)

    assert response.status_code == 422
    assert 'id="id_quantity_error"' in response.text  # the message next to the field
    assert not JobLine.objects.exists()


@pytest.mark.parametrize("typed", ["abc", "-1", "1e9", "NaN", "100000000"])
def test_a_unit_price_that_is_no_amount_is_refused_next_to_the_field(world, client_for, typed):
    data = {"description": "Rør", "quantity": "1", "unit": "m", "unit_price": typed}

    response = client_for(world.admin).post(new_line_url(world.entry), data)

    assert response.status_code == 422
    assert 'id="id_unit_price_error"' in response.text
    assert not JobLine.objects.exists()


def test_a_driving_line_needs_its_from_to(world, client_for):
    response = client_for(world.employee).post(
        new_line_url(world.entry, "driving"), {"quantity": "12"}
    )

    assert response.status_code == 422
    assert not JobLine.objects.exists()


def test_an_unknown_kind_of_line_is_a_404(world, client_for):
    assert client_for(world.employee).get(new_line_url(world.entry, "cake")).status_code == 404


def test_another_firms_administrator_finds_no_line(world, client_for):
    line = JobLineFactory(entry=world.entry)
    client = client_for(world.other_admin)

    for name in ("invoicing:line_update", "invoicing:line_delete"):
        assert client.get(reverse(name, args=[line.pk])).status_code == 404
    assert client.get(new_line_url(world.entry)).status_code == 404


def test_an_employee_sees_only_their_own_lines(world, client_for):
    other = JobLineFactory(entry=approved(world, user=world.employee2))

    response = client_for(world.employee).get(reverse("invoicing:line_update", args=[other.pk]))

    assert response.status_code == 404


def test_an_employee_deletes_a_line_of_their_open_entry(world, client_for):
    line = add(world)

    response = client_for(world.employee).post(reverse("invoicing:line_delete", args=[line.pk]))

    assert response.status_code == 302
    assert JobLine.objects.get().is_deleted
    assert not basis_of(world).has_lines


# The line's customer, kept by the database


def customer_of(line):
    return JobLine.objects.values_list("customer_id", flat=True).get(pk=line.pk)


def on_project(world):
    return services.line_create(
        company=world.company,
        by=world.admin,
        kind=Kind.MATERIAL,
        project=world.project,
        date=DECEMBER,
        description="Gips",
        quantity=Decimal("4"),
        unit=Unit.PIECE,
    )


def test_a_line_is_its_entrys_or_its_projects_customers(world):
    assert customer_of(add(world)) == customer_of(on_project(world)) == world.customer.pk


def test_a_line_follows_its_entry_to_another_customer_and_its_basis(billed):
    other = CustomerFactory(company=billed.company, name="Ny Kunde AS")
    entry = billed.approved_entry

    TimeEntry.objects.filter(pk=entry.pk).update(customer=other)

    assert customer_of(billed.material) == customer_of(billed.driving) == other.pk
    assert not basis_of(billed).has_lines
    theirs = selectors.basis(
        company=billed.company, customer=other, date_from=DECEMBER, date_to=OCTOBER_END
    )
    assert theirs.materials_net == Decimal("249.75")


def test_a_projects_own_lines_follow_it_to_another_customer_but_not_invoiced_ones(world):
    open_line, billed_line = on_project(world), on_project(world)
    JobLine.objects.filter(pk=billed_line.pk).update(invoiced_at=timezone.now())
    other = CustomerFactory(company=world.company, name="Ny Kunde AS")

    Project.objects.filter(pk=world.project.pk).update(customer=other)

    assert customer_of(open_line) == other.pk
    assert customer_of(billed_line) == world.customer.pk  # as it was billed


def test_a_write_cannot_point_a_line_at_another_customer_of_any_firm(world):
    line = add(world)
    ours = CustomerFactory(company=world.company, name="Ny Kunde AS")

    for customer in (ours, world.other_customer):
        JobLine.objects.filter(pk=line.pk).update(customer=customer)
        assert customer_of(line) == world.customer.pk
    line.description = "Saved with the customer it was read with"
    line.save()
    assert customer_of(line) == world.customer.pk


# The line's day, kept by the database


def day_of(line):
    return JobLine.objects.values_list("day", flat=True).get(pk=line.pk)


def test_a_line_is_of_its_entrys_day_or_of_its_own(world):
    line = add(world)
    assert day_of(line) == line.entry.date
    assert day_of(on_project(world)) == DECEMBER


def test_a_line_follows_its_entry_to_another_day_and_its_basis(billed):
    entry = billed.approved_entry
    later = OCTOBER_END + datetime.timedelta(days=1)

    TimeEntry.objects.filter(pk=entry.pk).update(date=later)

    assert day_of(billed.material) == day_of(billed.driving) == later
    assert not basis_of(billed).has_lines
    moved = selectors.basis(
        company=billed.company, customer=billed.customer, date_from=later, date_to=later
    )
    assert moved.materials_net == Decimal("249.75")


def test_a_projects_line_moves_with_its_own_date_and_no_write_sets_another_day(world):
    line = on_project(world)
    line.date = OCTOBER_END
    line.save()
    assert day_of(line) == OCTOBER_END

    JobLine.objects.filter(pk=line.pk).update(day=DECEMBER)

    assert day_of(line) == OCTOBER_END


# The line's billing state, kept by the database


def state_of(line):
    return JobLine.objects.values_list("state", flat=True).get(pk=line.pk)


def test_a_lines_state_follows_its_entrys_approval_billable_and_deletion(world):
    line = add(world)
    entry = line.entry
    assert state_of(line) == WAITING

    entry_services.entries_approve(entries=TimeEntry.objects.filter(pk=entry.pk), by=world.admin)
    assert state_of(line) == READY
    TimeEntry.objects.filter(pk=entry.pk).update(billable=False)
    assert state_of(line) == DONE
    TimeEntry.objects.filter(pk=entry.pk).update(billable=True)
    entry_services.entry_reopen(entry=TimeEntry.objects.get(pk=entry.pk), by=world.admin)
    assert state_of(line) == WAITING
    TimeEntry.objects.filter(pk=entry.pk).update(deleted_at=timezone.now())
    assert state_of(line) is None  # in no sum
    TimeEntry.objects.filter(pk=entry.pk).update(deleted_at=None)
    assert state_of(line) == WAITING


def test_a_projects_lines_state_is_its_own_approval_and_its_projects_billable(world):
    line = on_project(world)
    assert state_of(line) == WAITING
    JobLine.objects.filter(pk=line.pk).update(approved_at=timezone.now())
    assert state_of(line) == READY

    Project.objects.filter(pk=world.project.pk).update(billable=False)
    assert state_of(line) == DONE
    Project.objects.filter(pk=world.project.pk).update(billable=True)
    assert state_of(line) == READY


def test_an_invoiced_line_is_done_until_its_basis_is_reopened_and_no_write_sets_a_state(billed):
    line = billed.material
    assert state_of(line) == READY
    JobLine.objects.filter(pk=line.pk).update(state=DONE)
    assert state_of(line) == READY

    JobLine.objects.filter(pk=line.pk).update(invoiced_at=timezone.now())
    assert state_of(line) == DONE
    JobLine.objects.filter(pk=line.pk).update(invoiced_at=None)
    assert state_of(line) == READY


def test_the_card_sums_the_lines_by_their_kept_state(billed):
    """2,5 m at 99,90 kr and 12,5 km at 4,50 kr on an approved entry: 306,00 kr to bill;
    a second line waits with its unapproved entry; none of the lines' entries or
    projects is read for it."""
    add(billed, by=billed.admin, unit_price=Decimal("10"))
    with CaptureQueriesContext(connection) as queries:
        found = selectors._line_amounts(billed.company, customer=billed.customer)
    assert (found.open, found.waiting, found.unpriced) == (Decimal("306.00"), Decimal("25.00"), 0)
    lines_query = queries.captured_queries[0]["sql"]
    assert "timesheets_timeentry" not in lines_query
    assert "projects_project" not in lines_query


# The basis


def test_the_basis_bills_hours_materials_and_driving_with_mva(billed, client_for):
    found = basis_of(billed)

    assert (found.hours_net, found.materials_net, found.driving_net) == (
        Decimal("2000.00"),
        Decimal("249.75"),
        Decimal("56.25"),
    )
    assert (found.net, found.mva, found.total) == (
        Decimal("2306.00"),
        Decimal("576.50"),
        Decimal("2882.50"),
    )
    page = client_for(billed.admin).get(
        reverse("invoicing:basis"), {"customer": billed.customer.pk, **PERIOD}
    )
    text = page.content.decode()
    for shown in ("2,5 m", "99,90 kr", "249,75 kr", "12,5 km", "56,25 kr", "2\xa0882,50 kr"):
        assert shown in text


def test_lines_without_a_price_are_counted_left_out_and_block_the_marking(billed, client_for):
    JobLineFactory(entry=billed.approved_entry)
    JobLineFactory(entry=billed.approved_entry, description="Skruer")
    client = client_for(billed.admin)

    text = client.get(
        reverse("invoicing:basis"), {"customer": billed.customer.pk, **PERIOD}
    ).content.decode()

    assert "2 linjer mangler pris" in text
    assert "Marker som fakturert" not in text.split('id="unpriced-lines"')[1]
    assert basis_of(billed).net == Decimal("2306.00")
    data = {
        "customer": billed.customer.pk,
        **PERIOD,
        "group": "date",
        "expected_net": "2306.00",
    }
    response = client.post(MARK, data)
    assert response.status_code == 409
    assert "2 linjer mangler pris" in response.content.decode()
    assert not InvoiceBasis.objects.exists()


def test_driving_without_a_rate_per_km_is_a_line_without_a_price(billed):
    billed.company.rate_per_km = None
    billed.company.save()

    found = basis_of(billed)

    assert found.unpriced_lines == 1 and found.driving_net == 0


def test_lines_of_not_billable_or_unapproved_entries_are_left_out(billed):
    not_billable = approved(billed, project=billed.project, billable=False)
    JobLineFactory(entry=not_billable, unit_price=Decimal("10"))
    JobLineFactory(entry=billed.entry, unit_price=Decimal("10"))  # not approved

    assert basis_of(billed).net == Decimal("2306.00")


def test_the_excel_file_holds_the_materials_and_driving(billed, client_for):
    response = client_for(billed.admin).get(
        reverse("invoicing:basis_xlsx"), {"customer": billed.customer.pk, **PERIOD}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[cell for cell in row if cell is not None] for row in sheet.values]

    assert any("Kobberrør 15 mm" in row and 249.75 in row for row in rows)
    assert any("Lager – Storgata 5" in row and 56.25 in row for row in rows)
    assert ["Sum eks. MVA", 2306] in rows


# Invoiced lines are locked


def test_marking_records_and_locks_the_lines_and_reopening_releases_them(billed):
    invoiced = mark(billed, "2306.00")

    assert {(row.line, row.unit_price) for row in InvoicedJobLine.objects.all()} == {
        (billed.material, Decimal("99.90")),
        (billed.driving, Decimal("4.50")),
    }
    assert all(line.is_invoiced for line in JobLine.objects.all())
    assert selectors.invoiced_basis(invoiced).materials_net == Decimal("249.75")
    assert basis_of(billed).projects == []

    services.basis_reopen(basis=invoiced, by=billed.admin, reason="Feil kunde")

    assert not any(line.is_invoiced for line in JobLine.objects.all())
    assert basis_of(billed).net == Decimal("2306.00")


def test_an_invoiced_line_is_refused_by_form_service_admin_and_database(billed, client_for):
    mark(billed, "2306.00")
    line = JobLine.objects.get(pk=billed.material.pk)
    url = reverse("invoicing:line_update", args=[line.pk])

    # Form: even the Administrator gets no form to change or price it.
    assert client_for(billed.admin).get(url).status_code == 403
    data = {"description": "x", "quantity": "1", "unit": "m", "version": line.version}
    response = client_for(billed.admin).post(url, data)
    assert response.status_code == 409
    assert "fakturert" in response.text
    # Service.
    data.pop("version")
    with pytest.raises(entry_services.EntryLocked):
        services.line_update(line=line, by=billed.admin, version=line.version, **data)
    with pytest.raises(entry_services.EntryLocked):
        services.line_set_price(
            line=line, by=billed.admin, version=line.version, unit_price=Decimal("1")
        )
    with pytest.raises(entry_services.EntryLocked):
        services.line_delete(line=line, by=billed.admin)
    # Admin.
    staff = UserFactory(company=None, is_staff=True, is_superuser=True)
    request = RequestFactory().get("/")
    request.user = staff
    assert not site._registry[JobLine].has_change_permission(request, line)
    assert not site._registry[JobLine].has_delete_permission(request, line)
    # Database.
    for write in (
        lambda: JobLine.objects.filter(pk=line.pk).update(quantity=1),
        lambda: JobLine.objects.filter(pk=line.pk).update(deleted_at=timezone.now()),
        lambda: JobLine.objects.filter(pk=line.pk).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            write()
    assert JobLine.objects.get(pk=line.pk).quantity == Decimal("2.5")


def test_no_line_is_added_to_an_invoiced_entry(billed):
    mark(billed, "2306.00")

    with pytest.raises(entry_services.EntryLocked):
        add(billed, by=billed.admin, entry=billed.approved_entry)


def test_the_database_keeps_a_line_in_one_standing_basis(billed):
    first = mark(billed, "2306.00")
    second = InvoiceBasis.objects.create(
        company=billed.company,
        number=2,
        customer=billed.customer,
        date_from=DECEMBER,
        date_to=OCTOBER_END,
        net=0,
        mva=0,
        total=0,
        invoiced_at=timezone.now(),
        invoiced_by=billed.admin,
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        InvoicedJobLine.objects.create(
            company=billed.company,
            basis=second,
            line=billed.material,
            quantity=1,
            unit_price=1,
        )
    # Another basis of the same period finds nothing left to bill.
    with pytest.raises(ValidationError):
        mark(billed, "0.00")
    assert InvoicedJobLine.objects.filter(basis=first).count() == 2


# On the cards


def test_the_cards_amounts_include_materials_and_driving(billed, client_for):
    amounts = selectors.amounts(company=billed.company, customer=billed.customer)
    assert amounts.open == Decimal("2306.00")
    JobLineFactory(entry=billed.entry, unit_price=Decimal("10"))  # not approved: waiting
    JobLineFactory(entry=billed.approved_entry)  # no price

    amounts = selectors.amounts(company=billed.company, project=billed.project)

    # The employee's 7,5 h at 1 000 kr and the 2,5 m at 10 kr wait for approval.
    assert amounts.waiting == Decimal("7525.00")
    assert amounts.unpriced_lines == 1
    text = client_for(billed.moderator).get(billed.project.get_absolute_url()).content.decode()
    assert "1 linje mangler pris" in text


def test_invoiced_lines_count_as_invoiced_on_the_card(billed):
    billed.company.refresh_from_db()
    mark(billed, "2306.00")

    amounts = selectors.amounts(company=billed.company, customer=billed.customer)

    assert (amounts.invoiced, amounts.open) == (Decimal("2306.00"), Decimal("0.00"))


def test_the_project_card_lists_its_lines_in_a_fixed_number_of_queries(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(world.moderator)
    url = world.project.get_absolute_url()
    JobLineFactory(entry=None, project=world.project, user=world.employee, date=DECEMBER)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(5):
        JobLineFactory(entry=None, project=world.project, user=world.employee, date=DECEMBER)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(url)


# An Ansatt never sees a price


PRICE_WORDS = ["99,90", "99.90", "4,50", "4.50", "\xa0kr", "Enhetspris", "Mangler pris"]


def test_an_employee_sees_no_price_of_a_line_anywhere(billed, client_for):
    line = JobLineFactory(entry=billed.entry, unit_price=Decimal("99.90"))
    project_line = JobLineFactory(
        entry=None,
        project=billed.project,
        user=billed.employee,
        date=DECEMBER,
        unit_price=Decimal("99.90"),
    )
    client = client_for(billed.employee)
    urls = [
        reverse("timesheets:entry_update", args=[billed.entry.pk]),
        billed.project.get_absolute_url(),
        reverse("invoicing:line_update", args=[line.pk]),
        reverse("invoicing:line_update", args=[project_line.pk]),
        reverse("invoicing:line_delete", args=[line.pk]),
        new_line_url(billed.entry),
        new_line_url(billed.entry, "driving"),
    ]
    seen = 0
    for url in urls:
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = client.get(url, **headers)
            assert response.status_code == 200, url
            seen += 1
            text = response.content.decode().lower()
            for word in PRICE_WORDS:
                assert word.lower() not in text, f"{url} shows {word!r} to an employee"
    # A refused form says why, without a price either.
    response = client.post(
        reverse("invoicing:line_update", args=[line.pk]),
        {"description": "", "quantity": "abc", "unit": "m", "version": line.version},
    )
    assert response.status_code == 422
    assert "99,90" not in response.content.decode()
    assert seen == 2 * len(urls)


# Any quantity and price


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    quantity=st.one_of(
        st.text(max_size=12),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.decimals(min_value=0, max_value=Decimal("99999.99"), places=2).map(
            lambda d: str(d).replace(".", ",")
        ),
    ),
    price=st.one_of(
        st.text(max_size=12),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2).map(str),
    ),
)
def test_whatever_is_typed_a_line_is_saved_or_refused_never_negative_nan_or_a_500(
    world, client_for, quantity, price
):
    JobLine.objects.update(deleted_at=timezone.now())  # the example before's (kept: history)
    data = {"description": "Rør", "quantity": quantity, "unit": "m", "unit_price": price}

    response = client_for(world.admin).post(new_line_url(world.entry), data)

    assert response.status_code in (302, 422)
    for line in JobLine.objects.alive():
        assert line.quantity.is_finite() and line.quantity > 0
        assert line.unit_price is None or (line.unit_price.is_finite() and line.unit_price >= 0)
    world.entry.approved_at = timezone.now()
    world.entry.save()
    for group in selectors.basis(
        company=world.company,
        customer=world.customer,
        date_from=world.entry.date,
        date_to=world.entry.date,
    ).projects:
        for row in group.materials:
            assert row.amount is None or (row.amount.is_finite() and row.amount >= 0)
    world.entry.approved_at = None
    world.entry.save()


# Firma and the demo


def test_the_administrator_sets_the_rate_per_km_on_the_firm_page(world, client_for):
    response = client_for(world.admin).post(
        reverse("accounts:firm_prices"), {"hourly_rate": "950", "rate_per_km": "4,50"}
    )

    assert response.status_code == 302
    world.company.refresh_from_db()
    assert world.company.rate_per_km == Decimal("4.50")
    assert 'value="4,5"' in client_for(world.admin).get(reverse("accounts:firm")).text


def test_the_demo_firm_has_materials_and_driving_on_approved_entries(db):
    call_command("demo", verbosity=0)
    lines = JobLine.objects.filter(company__name="Demo Bygg AS").select_related("entry")

    assert lines.filter(kind=Kind.MATERIAL).count() >= 2
    assert lines.filter(kind=Kind.DRIVING).count() == 1
    assert all(line.entry.is_approved for line in lines)
    assert lines.first().company.rate_per_km is not None
    call_command("demo", verbosity=0)
    assert JobLine.objects.filter(company__name="Demo Bygg AS").count() == lines.count()


def test_platform_staff_read_lines_and_invoiced_lines_in_the_django_admin(billed, client_for):
    mark(billed, "2306.00")
    client = client_for(UserFactory(company=None, is_staff=True, is_superuser=True))

    listing = client.get(reverse("admin:invoicing_jobline_changelist"))
    page = client.get(reverse("admin:invoicing_jobline_change", args=[billed.material.pk]))
    basis = client.get(
        reverse("admin:invoicing_invoicebasis_change", args=[InvoiceBasis.objects.get().pk])
    )

    assert listing.status_code == 200 and "Kobberrør 15 mm" in listing.text
    assert page.status_code == 200 and 'name="_save"' not in page.text  # view only
    assert basis.status_code == 200 and "Kobberrør 15 mm" in basis.text
    assert client.get(reverse("admin:invoicing_jobline_add")).status_code == 403


# A line written while its basis is marked


def _change(world, line):
    values = {"description": "Annet", "quantity": Decimal("1"), "unit": Unit.METRE}
    services.line_update(line=line, by=world.admin, version=line.version, **values)


def _price(world, line):
    services.line_set_price(
        line=line, by=world.admin, version=line.version, unit_price=Decimal("1")
    )


def _delete(world, line):
    services.line_delete(line=line, by=world.admin)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("on_project", [False, True], ids=["on an entry", "on a project"])
@pytest.mark.parametrize("write", [_change, _price, _delete])
def test_a_line_changed_priced_or_deleted_while_its_basis_is_marked_waits_for_it(
    billed, monkeypatch, write, on_project
):
    line = billed.material
    if on_project:
        JobLine.objects.filter(pk=line.pk).update(
            entry=None, project=billed.project, date=DECEMBER, approved_at=timezone.now()
        )
    outcomes = []

    def other_session():
        try:
            with scopes_disabled():
                with connection.cursor() as cursor:
                    cursor.execute("SET lock_timeout = '200ms'")
                write(billed, JobLine.objects.get(pk=line.pk))
                outcomes.append("written")
        except OperationalError:
            outcomes.append("waited")  # for the basis's lock on the entry or the line
        finally:
            connection.close()

    def in_another_session():
        session = threading.Thread(target=other_session)
        session.start()
        session.join()

    between_the_read_and_the_write(monkeypatch, in_another_session)

    invoiced = mark(billed, "2306.00")

    assert outcomes == ["waited"]
    current = JobLine.objects.get(pk=line.pk)
    assert current.is_invoiced and not current.is_deleted
    assert (current.quantity, current.unit_price) == (Decimal("2.5"), Decimal("99.90"))
    assert invoiced.job_lines.get(line=line).unit_price == Decimal("99.90")
    with pytest.raises(entry_services.EntryLocked):
        write(billed, current)


def test_a_moderator_prices_a_line_from_the_basis_and_returns_to_it(billed, client_for):
    line = JobLineFactory(entry=billed.approved_entry)
    client = client_for(billed.moderator)
    page = client.get(reverse("invoicing:basis"), {"customer": billed.customer.pk, **PERIOD})
    edit = re.escape(reverse("invoicing:line_update", args=[line.pk]))
    link = re.search(rf'href="({edit}\?next=[^"]+)"', page.text)
    assert link, "the line without a price links to its price form"
    url = link[1].replace("&amp;", "&")

    form = client.get(url)
    response = client.post(
        url, {"unit_price": "10", "version": line.version, "next": form.context["back"]}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("invoicing:basis") + "?")
    assert JobLine.objects.get(pk=line.pk).unit_price == Decimal("10")

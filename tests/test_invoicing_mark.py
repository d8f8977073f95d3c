"""Marker som fakturert: a numbered basis with who and when, its entries locked for
everyone (form, service, admin, database), at most one basis per entry even when two
managers click at once, and reopening by an Administrator with a reason."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from invoicing import services
from invoicing.models import InvoiceBasis, InvoicedEntry
from timesheets import services as entry_services
from timesheets.models import TimeEntry

from .factories import JobLineFactory, TimeEntryFactory
from .test_invoicing_basis import DECEMBER, PERIOD, approved

pytestmark = pytest.mark.django_db

MARK = reverse("invoicing:mark")


def mark_data(world, net, **extra):
    return {"customer": world.customer.pk, **PERIOD, "group": "date", "expected_net": net, **extra}


def priced_entries(world):
    world.company.hourly_rate = Decimal("1000")
    world.company.save()
    return [
        approved(world, project=world.project, hours=Decimal("7.5")),
        approved(world, project=world.project, hours=Decimal("2"), user=world.employee2),
    ]


def mark(world, by=None, net="9500.00"):
    return services.basis_mark_invoiced(
        company=world.company,
        by=by or world.admin,
        customer=world.customer,
        date_from=DECEMBER,
        date_to=datetime.date(2026, 10, 31),
        expected_net=Decimal(net),
    )


def test_the_administrator_marks_the_basis_as_invoiced(world, client_for):
    entries = priced_entries(world)
    client = client_for(world.admin)

    response = client.post(MARK, mark_data(world, "9500.00"))

    invoiced = InvoiceBasis.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("invoicing:detail", args=[invoiced.pk])
    assert (invoiced.number, invoiced.invoiced_by, invoiced.net, invoiced.total) == (
        1,
        world.admin,
        Decimal("9500.00"),
        Decimal("11875.00"),
    )
    assert all(TimeEntry.objects.get(pk=e.pk).is_invoiced for e in entries)
    detail = client.get(response["Location"]).text
    assert "9\xa0500,00 kr" in detail and "Ingrid Berg" in detail
    # Billed once: the basis page has nothing left to bill.
    assert (
        "Ingen godkjente, fakturerbare timer"
        in client.get(reverse("invoicing:basis"), mark_data(world, "")).text
    )


def test_a_basis_that_changed_since_it_was_shown_is_refused_and_nothing_is_saved(world, client_for):
    priced_entries(world)

    response = client_for(world.admin).post(MARK, mark_data(world, "8000.00"))

    assert response.status_code == 409
    assert "Fakturagrunnlaget er endret siden du åpnet det" in response.text
    assert not InvoiceBasis.objects.exists()
    assert not TimeEntry.objects.filter(invoiced_at__isnull=False).exists()


def test_a_moderator_marks_only_where_the_firm_allows_it(world, client_for):
    priced_entries(world)
    client = client_for(world.moderator)
    assert client.post(MARK, mark_data(world, "9500.00")).status_code == 403

    world.company.moderators_may_invoice = True
    world.company.save()

    assert client.post(MARK, mark_data(world, "9500.00")).status_code == 302
    assert InvoiceBasis.objects.get().invoiced_by == world.moderator


def test_a_moderator_does_not_invoice_their_own_hours(world):
    priced_entries(world)
    approved(world, user=world.moderator, hours=Decimal("1"))
    world.company.moderators_may_invoice = True
    world.company.save()

    with pytest.raises(ValidationError, match="dine egne timer"):
        mark(world, by=world.moderator, net="10500.00")


def test_an_invoiced_entry_is_refused_by_its_form_with_a_409_even_for_the_administrator(
    world, client_for
):
    entry = priced_entries(world)[0]
    mark(world)
    url = reverse("timesheets:entry_update", args=[entry.pk])
    data = {"date": "2026-10-01", "hours": "1", "version": entry.version + 1}

    response = client_for(world.admin).post(url, data)

    assert response.status_code == 409
    assert "Denne timeføringen er fakturert og kan ikke lenger endres." in response.text
    assert TimeEntry.objects.get(pk=entry.pk).hours == Decimal("7.5")


@pytest.fixture
def invoiced(world):
    """Per Hansen's 7,5 h with 2,5 m of copper pipe at 99,90 kr, in basis 1."""
    entry = priced_entries(world)[0]
    entry.description = "Nytt sluk"
    entry.save()
    JobLineFactory(entry=entry, unit_price=Decimal("99.90"))
    mark(world, net="9749.75")
    entry.refresh_from_db()
    return entry


def entry_url(entry):
    return reverse("timesheets:entry_update", args=[entry.pk])


@pytest.mark.parametrize("role", ["employee", "moderator", "admin"])
def test_an_invoiced_entry_is_shown_as_text_to_everyone_who_may_see_it(
    world, client_for, invoiced, role
):
    response = client_for(getattr(world, role)).get(entry_url(invoiced))

    assert response.status_code == 200
    html = response.text
    assert "Fakturert i fakturagrunnlag 1" in html
    assert "Nytt sluk" in html and "7,5" in html and "Kobberrør 15 mm" in html
    assert 'name="hours"' not in html and "Legg til materiell" not in html
    basis = reverse("invoicing:detail", args=[InvoiceBasis.objects.get().pk])
    if role == "employee":
        # No way to the basis, and never a price.
        assert basis not in html and " kr" not in html and "99,90" not in html
    else:
        assert f'href="{basis}"' in html and "249,75 kr" in html


def test_another_employee_or_another_firm_finds_no_invoiced_entry(world, client_for, invoiced):
    assert client_for(world.employee2).get(entry_url(invoiced)).status_code == 404
    assert client_for(world.other_admin).get(entry_url(invoiced)).status_code == 404


@pytest.mark.parametrize("role", ["employee", "admin"])
def test_writing_to_an_invoiced_entry_is_refused_with_a_409_and_changes_nothing(
    world, client_for, invoiced, role
):
    client = client_for(getattr(world, role))
    data = {"date": "2026-10-02", "hours": "1", "version": invoiced.version}
    delete = reverse("timesheets:entry_delete", args=[invoiced.pk])

    for response in (
        client.post(entry_url(invoiced), data),
        client.post(entry_url(invoiced), data, headers={"HX-Request": "true"}),
        client.post(delete),
        client.get(delete),
        client.post(delete, headers={"HX-Request": "true"}),
    ):
        assert response.status_code == 409
        assert "Denne timeføringen er fakturert og kan ikke lenger endres." in response.text
    current = TimeEntry.objects.get(pk=invoiced.pk)
    assert (current.hours, current.date, current.deleted_at) == (Decimal("7.5"), DECEMBER, None)
    assert current.version == invoiced.version


def test_the_week_and_the_overview_mark_an_invoiced_entry_and_offer_no_change(
    world, client_for, invoiced
):
    week = (
        client_for(world.admin)
        .get(reverse("timesheets:week"), {"user": world.employee.pk, "week": "2026-W40"})
        .text
    )
    overview = client_for(world.admin).get(reverse("timesheets:overview"), PERIOD).text
    own_week = client_for(world.employee).get(reverse("timesheets:week"), {"week": "2026-W40"}).text

    delete = reverse("timesheets:entry_delete", args=[invoiced.pk])
    for html in (week, overview, own_week):
        row = html[html.index(f'id="{"row" if html is overview else "entry"}-{invoiced.pk}"') :]
        row = row[: row.index("</tr>" if html is overview else "</li>")]
        assert "Fakturert" in row and "Vis" in row
        assert "Endre" not in row and "Gjenåpne" not in row and delete not in row


def test_invoiced_entries_cost_the_week_and_the_overview_no_queries(
    world, client_for, django_assert_num_queries, django_assert_max_num_queries
):
    entries = priced_entries(world)
    client = client_for(world.admin)
    week = {"user": world.employee.pk, "week": "2026-W40"}
    client.get(reverse("timesheets:week"), week)  # warm up the session
    with django_assert_max_num_queries(40) as before:
        client.get(reverse("timesheets:week"), week)
        client.get(reverse("timesheets:overview"), PERIOD)
    mark(world)
    assert all(TimeEntry.objects.get(pk=e.pk).is_invoiced for e in entries)

    with django_assert_num_queries(len(before.captured_queries)):
        client.get(reverse("timesheets:week"), week)
        client.get(reverse("timesheets:overview"), PERIOD)


def test_the_service_refuses_to_change_delete_or_unapprove_an_invoiced_entry(world):
    entry = priced_entries(world)[0]
    mark(world)
    entry.refresh_from_db()

    with pytest.raises(entry_services.EntryLocked):
        entry_services.entry_update(
            entry=entry, by=world.admin, version=entry.version, date=entry.date, hours=1
        )
    with pytest.raises(entry_services.EntryLocked):
        entry_services.entry_delete(entry=entry, by=world.admin)
    with pytest.raises(entry_services.EntryLocked):
        entry_services.entry_reopen(entry=entry, by=world.admin)


def test_the_database_refuses_to_change_or_delete_an_invoiced_entry(world):
    entry = priced_entries(world)[0]
    mark(world)

    for write in (
        lambda: TimeEntry.objects.filter(pk=entry.pk).update(hours=1),
        lambda: TimeEntry.objects.filter(pk=entry.pk).update(deleted_at=timezone.now()),
        lambda: TimeEntry.objects.filter(pk=entry.pk).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            write()


def test_the_database_keeps_an_entry_in_at_most_one_basis(world):
    entry = priced_entries(world)[0]
    first = mark(world)
    second = InvoiceBasis.objects.create(
        company=world.company,
        number=2,
        customer=world.customer,
        date_from=DECEMBER,
        date_to=DECEMBER,
        net=0,
        mva=0,
        total=0,
        invoiced_at=timezone.now(),
        invoiced_by=world.admin,
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        InvoicedEntry.objects.create(company=world.company, basis=second, entry=entry, hours=1)
    assert first.lines.count() == 2


def test_an_invoiced_entry_is_in_no_other_basis(world):
    priced_entries(world)
    mark(world)

    with pytest.raises(ValidationError, match="ingenting å fakturere"):
        mark(world)


@pytest.mark.django_db(transaction=True)
def test_two_managers_marking_at_the_same_moment_make_one_basis(world):
    priced_entries(world)
    world.company.moderators_may_invoice = True
    world.company.save()
    start = threading.Barrier(2)
    outcomes = []

    def click(by):
        try:
            with scopes_disabled():
                start.wait()
                outcomes.append(mark(world, by=by).number)
        except ValidationError as refused:
            outcomes.append(refused.messages[0])
        finally:
            connection.close()

    sessions = [threading.Thread(target=click, args=(by,)) for by in (world.admin, world.moderator)]
    for session in sessions:
        session.start()
    for session in sessions:
        session.join()

    assert sorted(outcomes, key=str) == [1, "Det er ingenting å fakturere i dette grunnlaget."]
    assert InvoiceBasis.objects.count() == 1
    assert InvoicedEntry.objects.count() == 2


def reopen(world, entry):
    entry_services.entry_reopen(entry=entry, by=world.admin)


def change(world, entry):
    entry_services.entry_update(
        entry=entry,
        by=world.admin,
        version=entry.version,
        date=entry.date,
        hours=Decimal("1"),
        project=entry.project,
        customer=entry.customer,
    )


def delete(world, entry):
    entry_services.entry_delete(entry=entry, by=world.admin)


def between_the_read_and_the_write(monkeypatch, step):
    """Run ``step`` as "Marker som fakturert" has read its basis and numbers it, before
    it writes the basis's lines and marks its entries."""
    number = services.next_number

    def late(*args, **kwargs):
        step()
        return number(*args, **kwargs)

    monkeypatch.setattr(services, "next_number", late)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("write", [reopen, change, delete])
def test_an_entry_changed_reopened_or_deleted_while_its_basis_is_marked_waits_for_it(
    world, monkeypatch, write
):
    entry = priced_entries(world)[0]
    outcomes = []

    def other_session():
        try:
            with scopes_disabled():
                with connection.cursor() as cursor:
                    cursor.execute("SET lock_timeout = '200ms'")
                write(world, TimeEntry.objects.get(pk=entry.pk))
                outcomes.append("written")
        except OperationalError:
            outcomes.append("waited")  # for the basis's lock on the entry
        finally:
            connection.close()

    def in_another_session():
        session = threading.Thread(target=other_session)
        session.start()
        session.join()

    between_the_read_and_the_write(monkeypatch, in_another_session)

    invoiced = mark(world)

    assert outcomes == ["waited"]
    current = TimeEntry.objects.get(pk=entry.pk)
    assert current.is_invoiced and current.is_approved and not current.is_deleted
    assert invoiced.lines.get(entry=entry).hours == current.hours == Decimal("7.5")
    with pytest.raises(entry_services.EntryLocked):
        write(world, current)


@pytest.mark.parametrize(
    "leave",
    [
        lambda entry: TimeEntry.objects.filter(pk=entry.pk).update(approved_at=None),
        lambda entry: TimeEntry.objects.filter(pk=entry.pk).update(deleted_at=timezone.now()),
    ],
    ids=["unapproved", "deleted"],
)
def test_an_entry_that_leaves_the_basis_before_it_is_written_is_refused_and_nothing_is_saved(
    world, client_for, monkeypatch, leave
):
    entry = priced_entries(world)[0]
    between_the_read_and_the_write(monkeypatch, lambda: leave(entry))

    response = client_for(world.admin).post(MARK, mark_data(world, "9500.00"))

    assert response.status_code == 409
    assert "Fakturagrunnlaget er endret siden du åpnet det" in response.text
    assert not InvoiceBasis.objects.exists()
    assert not TimeEntry.objects.filter(invoiced_at__isnull=False).exists()


def two_quarter_hours_at_333_33(world):
    """0,25 h on each of two days at 333,33 kr: 83,3325 kr each, so 83,33 kr each and
    166,66 kr in all; rounded after summing the hours it would be 166,67 kr."""
    world.company.hourly_rate = Decimal("333.33")
    world.company.save()
    for day in (DECEMBER, DECEMBER + datetime.timedelta(days=1)):
        approved(world, hours=Decimal("0.25"), date=day)


def test_a_basis_marked_per_employee_is_stored_and_shown_with_the_sums_per_date(world, client_for):
    two_quarter_hours_at_333_33(world)
    client = client_for(world.admin)

    response = client.post(MARK, mark_data(world, "166.66", group="employee"))

    assert response.status_code == 302
    invoiced = InvoiceBasis.objects.get()
    assert (invoiced.net, invoiced.mva, invoiced.total) == (
        Decimal("166.66"),
        Decimal("41.67"),
        Decimal("208.33"),
    )
    detail = client.get(response["Location"]).text
    assert "83,33 kr" in detail  # each day's line
    assert "166,66 kr" in detail and "41,67 kr" in detail and "208,33 kr" in detail


def test_the_detail_page_shows_the_sums_as_they_were_billed(world, client_for):
    two_quarter_hours_at_333_33(world)
    invoiced = mark(world, net="166.66")
    # As a basis billed under an older rounding was stored: an øre more than its lines.
    InvoiceBasis.objects.filter(pk=invoiced.pk).update(
        net=Decimal("166.67"), mva=Decimal("41.67"), total=Decimal("208.34")
    )

    detail = client_for(world.admin).get(reverse("invoicing:detail", args=[invoiced.pk])).text

    assert "166,67 kr" in detail and "208,34 kr" in detail
    assert "208,33 kr" not in detail


def test_the_administrator_reopens_a_basis_with_a_reason_and_bills_its_hours_again(
    world, client_for
):
    entries = priced_entries(world)
    invoiced = mark(world)
    client = client_for(world.admin)
    url = reverse("invoicing:reopen", args=[invoiced.pk])

    assert client.post(url, {"reason": ""}).status_code == 422
    response = client.post(url, {"reason": "Feil timepris"})

    assert response.status_code == 302
    invoiced.refresh_from_db()
    assert (invoiced.reopened_by, invoiced.reopen_reason) == (world.admin, "Feil timepris")
    assert not any(TimeEntry.objects.get(pk=e.pk).is_invoiced for e in entries)
    assert "Feil timepris" in client.get(reverse("invoicing:detail", args=[invoiced.pk])).text
    assert mark(world).number == 2


def test_nobody_but_an_administrator_reopens(world, client_for):
    priced_entries(world)
    invoiced = mark(world)
    world.company.moderators_may_invoice = True
    world.company.save()

    response = client_for(world.moderator).post(
        reverse("invoicing:reopen", args=[invoiced.pk]), {"reason": "Feil"}
    )

    assert response.status_code == 403
    assert TimeEntry.objects.filter(invoiced_at__isnull=False).count() == 2


def test_unapproved_hours_are_not_invoiced(world):
    priced_entries(world)
    open_entry = TimeEntryFactory(user=world.employee, customer=world.customer, date=DECEMBER)

    mark(world)

    assert not TimeEntry.objects.get(pk=open_entry.pk).is_invoiced


def test_the_django_admin_shows_an_invoiced_entry_and_its_basis_but_changes_neither(
    world, client_for
):
    from accounts.permissions import Role

    from .factories import UserFactory

    entry = priced_entries(world)[0]
    invoiced = mark(world)
    staff = client_for(
        UserFactory(company=None, role=Role.EMPLOYEE, is_staff=True, is_superuser=True)
    )
    change = reverse("admin:timesheets_timeentry_change", args=[entry.pk])

    assert staff.post(change, {"hours": "1", "billable": ""}).status_code == 403

    assert TimeEntry.objects.get(pk=entry.pk).hours == Decimal("7.5")
    basis_page = reverse("admin:invoicing_invoicebasis_change", args=[invoiced.pk])
    assert staff.get(basis_page).status_code == 200
    assert staff.post(basis_page, {}).status_code == 403


def test_the_invoiced_list_is_paged_newest_first(world, client_for, monkeypatch):
    monkeypatch.setattr("invoicing.views.BASES_PAGE_SIZE", 1)
    priced_entries(world)
    first = mark(world)
    services.basis_reopen(basis=first, by=world.admin, reason="Feil periode")
    second = mark(world)
    client = client_for(world.moderator)

    newest = client.get(reverse("invoicing:list")).content.decode()
    older = client.get(reverse("invoicing:list"), {"page": 2}).content.decode()

    assert f">{second.number}</a>" in newest and f">{first.number}</a>" not in newest
    assert "Side 1 av 2" in newest and 'rel="next"' in newest
    assert f">{first.number}</a>" in older and "åpnet igjen" in older

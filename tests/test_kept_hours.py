"""The hours logged on a project and for a customer, the tally of the entries by hours
and billing state, and each employee's day per approval, kept by the database
(projects.ProjectHours, customers.CustomerHours, timesheets.EntryTally,
timesheets.DayTally): whatever writes the time entries, each kept total is that of the
entries that are not deleted."""

import random
import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django_scopes import scopes_disabled

from customers.models import CustomerHours
from projects import selectors
from projects.models import Project, ProjectHours
from timesheets import selectors as timesheet_selectors
from timesheets.models import (
    APPROVED,
    DONE,
    KEPT_HOURS,
    OPEN,
    READY,
    SELF_APPROVED,
    WAITING,
    DayTally,
    EntryTally,
    TimeEntry,
    TimeEntryEvent,
)

from .factories import CustomerFactory, ProjectFactory, TimeEntryFactory


def kept(model, key):
    """{key: hours} as kept (without the rows that came back to 0), and as summed from
    the entries."""
    with scopes_disabled():
        totals = dict(model.objects.exclude(hours=0).values_list(key, "hours"))
        sums = dict(
            TimeEntry.objects.filter(deleted_at__isnull=True, **{f"{key}__isnull": False})
            .values(key)
            .annotate(total=Sum("hours"))
            .values_list(key, "total")
        )
    return totals, sums


def tally():
    """{(customer, project, hours, state): entries} as kept (without the rows that came
    back to 0), and as counted from the entries."""
    key = ["customer_id", "project_id", "hours"]
    with scopes_disabled():
        kept = {
            (*row[:-1],): row[-1]
            for row in EntryTally.objects.exclude(entries=0).values_list(*key, "state", "entries")
        }
        alive = TimeEntry.objects.filter(deleted_at__isnull=True)
        counted = {}
        for entry in alive.values(*key, "billable", "invoiced_at", "approved_at"):
            if entry["billable"] and entry["invoiced_at"] is None:
                state = WAITING if entry["approved_at"] is None else READY
            else:
                state = DONE
            if entry["customer_id"] or entry["project_id"]:
                found = (*(entry[name] for name in key), state)
                counted[found] = counted.get(found, 0) + 1
    return kept, counted


def days():
    """{(firm, day, employee, approval): (hours, entries)} as kept (without the rows
    that came back to 0), and as summed from the entries."""
    with scopes_disabled():
        kept = {
            (row.company_id, row.date, row.user_id, row.approval): (row.hours, row.entries)
            for row in DayTally.objects.exclude(entries=0)
        }
        assert not DayTally.objects.filter(entries=0).exclude(hours=0).exists()
        summed = {}
        alive = TimeEntry.objects.filter(deleted_at__isnull=True)
        for entry in alive.values(
            "company_id", "date", "user_id", "hours", "approved_at", "approved_by_id"
        ):
            if entry["approved_at"] is None:
                approval = OPEN
            elif entry["approved_by_id"] == entry["user_id"]:
                approval = SELF_APPROVED
            else:
                approval = APPROVED
            found = (entry["company_id"], entry["date"], entry["user_id"], approval)
            hours, count = summed.get(found, (Decimal(0), 0))
            summed[found] = (hours + entry["hours"], count + 1)
    return kept, summed


def assert_kept():
    for model, key in KEPT_HOURS:
        totals, sums = kept(model, key)
        assert totals == sums, model
    kept_tally, counted = tally()
    assert kept_tally == counted
    kept_days, summed = days()
    assert kept_days == summed


@pytest.mark.django_db
def test_every_kind_of_write_to_the_entries_keeps_the_projects_totals(world):
    other = ProjectFactory(company=world.company)
    entry = TimeEntryFactory(user=world.employee, project=world.project, hours=Decimal("2.25"))
    assert_kept()
    with scopes_disabled():
        entries = TimeEntry.objects.filter(pk=entry.pk)
        writes = [
            lambda: entries.update(hours=Decimal("3.50")),  # hours changed
            lambda: entries.update(project=other),  # moved to another project
            lambda: entries.update(project=None),  # and off any project
            lambda: entries.update(project=world.project),
            lambda: entries.update(customer=None),  # and off any customer
            lambda: entries.update(customer=world.customer),
            lambda: entries.update(deleted_at=timezone.now()),  # deleted (soft)
            lambda: entries.update(deleted_at=None),  # restored
            lambda: entries.update(date=timezone.localdate() - timedelta(days=1)),  # moved
            lambda: entries.update(user=world.employee2),  # to another employee
            lambda: entries.update(user=world.employee),
            lambda: entries.update(approved_at=timezone.now(), approved_by=world.employee),
            lambda: entries.update(approved_at=None, approved_by=None),  # reopened
            lambda: entries.update(approved_at=timezone.now()),  # no hours change
            lambda: entries.update(billable=False),  # out of the basis
            lambda: entries.update(billable=True),
            lambda: entries.update(invoiced_at=timezone.now()),  # invoiced
            lambda: _reopen(entry),
            lambda: TimeEntry.objects.filter(project=world.project).update(hours=Decimal(1)),
            lambda: _delete_for_good(entry),
        ]
        for write in writes:
            write()
            assert_kept()
        TimeEntry.objects.bulk_create(
            [TimeEntry(**_fields(world, other, Decimal("0.5"))) for _ in range(3)]
        )
    assert_kept()
    assert ProjectHours.objects.get(project=other).hours == Decimal("1.50")


def _delete_for_good(entry):
    """Nothing in the app deletes an entry for good; the database may, with its history
    first (which is append-only and refers to it) and no event of the delete."""
    held_off = ("pgtrigger_append_only_%", "pgtrigger_delete_delete_%")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pgtrigger.ignore', array_agg(tgname)::text, true)"
            " FROM pg_trigger WHERE tgname LIKE ANY(%s)",
            [list(held_off)],
        )
        TimeEntryEvent.objects.filter(pgh_obj=entry).delete()
        TimeEntry.objects.filter(pk=entry.pk).delete()
        cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")


def _reopen(entry):
    """A reopened basis empties its entries' ``invoiced_at``: the one change an invoiced
    entry's lock lets through."""
    TimeEntry.objects.filter(pk=entry.pk).update(invoiced_at=None)


def _fields(world, project, hours):
    return {
        "company": world.company,
        "user": world.employee,
        "customer": project.customer,
        "project": project,
        "date": timezone.localdate(),
        "hours": hours,
        "created_by": world.employee,
        "updated_by": world.employee,
    }


@pytest.mark.django_db
def test_a_long_run_of_random_writes_leaves_every_total_right(world):
    projects = [world.project, *(ProjectFactory(company=world.company) for _ in range(3)), None]
    customers = [world.customer, CustomerFactory(company=world.company), None]
    rng = random.Random(15)
    for _ in range(20):
        TimeEntryFactory(user=world.employee, project=rng.choice(projects[:-1]))
    with scopes_disabled():
        for _ in range(150):
            ids = list(TimeEntry.objects.filter(company=world.company).values_list("pk", flat=True))
            some = TimeEntry.objects.filter(pk__in=rng.sample(ids, rng.randint(1, 4)))
            write = rng.randrange(10)
            if write == 0:
                some.update(hours=Decimal(rng.randint(1, 32)) / 4)
            elif write == 1:
                some.update(project=rng.choice(projects))
            elif write == 2:
                some.update(customer=rng.choice(customers))
            elif write == 3:
                some.update(deleted_at=rng.choice([None, timezone.now()]))
            elif write == 4:
                some.update(approved_at=rng.choice([None, timezone.now()]))
            elif write == 5:
                some.update(billable=rng.choice([True, False]))
            elif write == 6:
                some.update(date=timezone.localdate() - timedelta(days=rng.randint(0, 2)))
            elif write == 7:
                some.update(user=rng.choice([world.employee, world.employee2]))
            elif write == 8:
                by = rng.choice([None, world.employee, world.admin])
                some.update(approved_at=by and timezone.now(), approved_by=by)
            else:
                TimeEntryFactory(user=world.employee, project=rng.choice(projects))
    assert_kept()


@pytest.mark.django_db
def test_the_project_list_shows_the_kept_hours_in_one_query(world, django_assert_num_queries):
    TimeEntryFactory(user=world.employee2, project=world.project, hours=Decimal("2.25"))
    empty = ProjectFactory(company=world.company)

    with scopes_disabled(), django_assert_num_queries(1):
        shown = {p.pk: p.logged_hours for p in selectors.with_logged_hours(Project.objects.all())}

    assert shown[world.project.pk] == kept(ProjectHours, "project_id")[1][world.project.pk]
    assert shown[empty.pk] == 0


@pytest.mark.django_db(transaction=True)
def test_two_employees_logging_on_the_same_project_at_once_both_count(world):
    """Two transactions whose first entries on a new project overlap: the second's
    upsert waits for the first's row and then adds to it."""
    project = ProjectFactory(company=world.company)
    start = threading.Barrier(2)
    failures = []

    def log(user):
        try:
            start.wait(timeout=10)
            with transaction.atomic():
                TimeEntryFactory(user=user, project=project, hours=Decimal("7.5"))
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_sleep(0.2)")
        except Exception as error:  # noqa: BLE001 (reported by the test below)
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=log, args=(u,)) for u in (world.employee, world.admin)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert ProjectHours.objects.get(project=project).hours == Decimal("15.00")
    assert_kept()


@pytest.mark.django_db
def test_the_customer_card_shows_the_kept_total_and_the_hours_of_this_month(world):
    """This month is its first to its last day: 31.12 counts, 30.11 and 01.01 do not."""
    for day, logged in [((2025, 11, 30), "1"), ((2025, 12, 1), "2"), ((2025, 12, 31), "3")]:
        TimeEntryFactory(
            user=world.employee, customer=world.customer, date=date(*day), hours=Decimal(logged)
        )
    TimeEntryFactory(user=world.employee, customer=world.customer, date=date(2026, 1, 1))
    empty = CustomerFactory(company=world.company)

    with scopes_disabled():
        shown = timesheet_selectors.customer_hours(world.customer, on=date(2025, 12, 31))
        none = timesheet_selectors.customer_hours(empty, on=date(2025, 12, 31))

    total = kept(CustomerHours, "customer_id")[1][world.customer.pk]
    assert shown == {"total": total, "month": Decimal("5.00")}
    assert total == world.entry.hours + Decimal("6") + Decimal("7.50")
    assert none == {"total": 0, "month": 0}

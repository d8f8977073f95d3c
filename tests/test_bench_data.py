"""`manage.py bench_data` (behind `make bench-data`) at a tiny scale."""

import io
import itertools
from decimal import Decimal

from django.core.management import call_command
from django.db import connection
from django.db.models import Count, F, Q, Sum

from accounts.models import Company, User
from customers.models import ContactPerson, Customer
from invoicing.models import JobLine, JobLineEvent, Kind, Unit
from projects.models import Project, ProjectAccess
from svenn.management.commands import bench_data
from svenn.management.commands.bench_data import BIG_FIRM, SMALL_FIRM_PREFIX
from timesheets.models import KEPT_HOURS, READY, WAITING, EntryTally, TimeEntry, TimeEntryEvent

from .test_kept_hours import days


def run(**options):
    out = io.StringIO()
    call_command("bench_data", stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def test_bench_data_produces_the_promised_counts_at_a_tiny_scale(db):
    run(size=0.005)

    big = Company.objects.get(name=BIG_FIRM)
    assert Customer.objects.filter(company=big).count() == 100
    assert ContactPerson.objects.filter(company=big).count() == 200
    assert Project.objects.filter(company=big).count() == 10
    assert Project.objects.filter(company=big, access=ProjectAccess.SELECTED).count() == 2
    assert User.objects.filter(company=big).count() == 5
    assert TimeEntry.objects.filter(company=big).count() == 10_000
    small = Company.objects.filter(name__startswith=SMALL_FIRM_PREFIX)
    assert small.count() == 1
    assert Customer.objects.filter(company__in=small).count() == 10
    assert User.objects.filter(company__in=small).count() == 10
    assert TimeEntry.objects.filter(company__in=small).count() == 100
    # A share of the customers is inactive or deleted, and most old hours are approved.
    customers = Customer.objects.filter(company=big)
    assert 0 < customers.filter(is_active=False).count() < 30
    assert customers.filter(deleted_at__isnull=False).count() < 10
    entries = TimeEntry.objects.filter(company=big)
    assert entries.filter(approved_at__isnull=False).count() > 8_000
    # A few open entries were deleted by their owners; the lists leave them out.
    assert 0 < entries.filter(deleted_at__isnull=False, approved_at__isnull=True).count() < 100
    assert not entries.filter(created_by__isnull=True).exists()


def test_the_big_firm_has_prices_materials_driving_and_a_key_customer(db):
    run(size=0.005)

    big = Company.objects.get(name=BIG_FIRM)
    assert (big.hourly_rate, big.rate_per_km) == (Decimal(950), Decimal("4.50"))
    key = Customer.objects.get(company=big, number=1)
    assert key.hourly_rate == Decimal(1100) and key.is_active and key.deleted_at is None
    assert list(
        Project.objects.filter(company=big, customer=key).values_list("number", flat=True)
    ) == [1]
    assert Project.objects.get(company=big, number=10).hourly_rate == Decimal(1250)
    assert not User.objects.filter(company=big, hourly_cost__isnull=True).exists()
    # The key customer has a share of the hours of its own, besides what its project draws.
    assert 100 <= TimeEntry.objects.filter(company=big, customer=key).count() < 2_500
    lines = JobLine.objects.filter(company=big)
    materials, driving = lines.filter(kind=Kind.MATERIAL), lines.filter(kind=Kind.DRIVING)
    assert 400 < materials.count() < 600 and 250 < driving.count() < 350
    assert 0 < materials.filter(unit_price__isnull=True).count() < materials.count() / 5
    assert not driving.exclude(unit=Unit.KM).exists()
    assert not lines.filter(entry__deleted_at__isnull=False).exists()
    # Their history starts as the entries' does: one insert event each.
    assert JobLineEvent.objects.filter(company=big, pgh_label="insert").count() == lines.count()
    # The loader sets what the held-off triggers would: a line's customer and day are
    # its entry's, and its billing state is the one its trigger sets when touched.
    assert not lines.exclude(customer=F("entry__customer")).exists()
    assert not lines.exclude(day=F("entry__date")).exists()
    loaded = dict(lines.values_list("pk", "state"))
    assert {READY, WAITING} <= set(loaded.values())
    lines.update(state=None)
    assert dict(lines.values_list("pk", "state")) == loaded


def index_names(table):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [table])
        return {name for (name,) in cursor.fetchall()}


def test_the_indexes_held_off_during_the_load_are_built_again(db):
    tables = [TimeEntry._meta.db_table, JobLine._meta.db_table, TimeEntryEvent._meta.db_table]
    before = {table: index_names(table) for table in tables}
    assert len(before[TimeEntry._meta.db_table]) > 10

    run(size=0.002)

    assert {table: index_names(table) for table in tables} == before


def test_without_superuser_rights_only_the_history_triggers_are_held_off(db, monkeypatch):
    monkeypatch.setattr(bench_data, "is_superuser", lambda: False)

    run(size=0.002)

    big = Company.objects.get(name=BIG_FIRM)
    entries = TimeEntry.objects.filter(company=big)
    assert entries.count() == 4_000
    assert TimeEntryEvent.objects.filter(company=big, pgh_label="insert").count() == 4_000
    lines = JobLine.objects.filter(company=big)
    assert lines.exists() and not lines.exclude(customer=F("entry__customer")).exists()
    assert_hours_kept()


def assert_hours_kept():
    """The kept hours of projects and customers are those the entries' triggers would
    have added up."""
    for model, key in KEPT_HOURS:
        sums = (
            TimeEntry.objects.filter(deleted_at__isnull=True, **{f"{key}__isnull": False})
            .values(key)
            .annotate(total=Sum("hours"))
            .values_list(key, "total")
        )
        assert dict(model.objects.values_list(key, "hours")) == dict(sums)
        assert model.objects.count() > 5
    # And the tally of the entries, per customer, project, hours and billing state.
    counted = (
        TimeEntry.objects.filter(deleted_at__isnull=True)
        .values("customer", "project", "hours", approved=Q(approved_at__isnull=False))
        .annotate(n=Count("*"))
    )
    states = {False: WAITING, True: READY}  # every entry the loader makes is billable
    assert {
        (row["customer"], row["project"], row["hours"], states[row["approved"]]): row["n"]
        for row in counted
    } == {
        (row.customer_id, row.project_id, row.hours, row.state): row.entries
        for row in EntryTally.objects.all()
    }
    # And each employee's days, per approval.
    kept_days, summed = days()
    assert kept_days == summed and len(kept_days) > 100


def test_the_hours_are_kept_and_the_firms_customers_interleaved(db):
    run(size=0.002, scale=2)

    assert_hours_kept()
    # In the table, one firm's customers lie among the other firms', as years of firms
    # growing side by side leave them: never more than a few of one firm in a row.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT company_id FROM {Customer._meta.db_table} ORDER BY ctid")
        firms = [company for (company,) in cursor.fetchall()]
    runs = [len(list(run)) for _firm, run in itertools.groupby(firms)]
    assert len(firms) == 100 and max(runs) <= 10


def test_bench_data_is_deterministic_and_reused_without_force(transactional_db):
    run(size=0.002)
    names = list(Customer.objects.order_by("company_id", "number").values_list("name", flat=True))

    assert "already there" in run(size=0.002)
    run(size=0.002, force=True)

    again = list(Customer.objects.order_by("company_id", "number").values_list("name", flat=True))
    assert again == names


def firm_rows(name):
    company = Company.objects.get(name=name)
    return (
        list(Customer.objects.filter(company=company).order_by("number").values_list("name")),
        list(
            TimeEntry.objects.filter(company=company)
            .order_by("id")
            .values_list("user__email", "date", "hours", "project__number", "customer__number")
        ),
    )


def test_a_larger_scale_adds_firms_of_the_same_shape_and_keeps_the_first(transactional_db):
    run(size=0.002)
    first_big, first_small = firm_rows(BIG_FIRM), firm_rows(f"{SMALL_FIRM_PREFIX} 1 AS")

    run(size=0.002, scale=3, force=True)

    # The firms measured are the same rows at either scale.
    assert firm_rows(BIG_FIRM) == first_big
    assert firm_rows(f"{SMALL_FIRM_PREFIX} 1 AS") == first_small
    bigs = Company.objects.filter(name__startswith="Storbygg Entreprenør")
    assert sorted(bigs.values_list("name", flat=True)) == [
        "Storbygg Entreprenør 2 AS",
        "Storbygg Entreprenør 3 AS",
        BIG_FIRM,
    ]
    for company in bigs:
        assert TimeEntry.objects.filter(company=company).count() == 4_000
        assert Customer.objects.filter(company=company).count() == 40
    assert Company.objects.filter(name__startswith=SMALL_FIRM_PREFIX).count() == 3
    assert TimeEntry.objects.count() == 3 * (4_000 + 100)

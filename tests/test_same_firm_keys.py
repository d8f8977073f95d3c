"""PostgreSQL keeps every reference between firm tables inside one firm.

Each foreign key from a firm table (a model with a ``company``: the firm's customers,
projects, hours, ... and its users) to another firm table has a composite key
``(company_id, x_id) -> x(company_id, id)``, added by ``core.same_firm``. A write
that points at another firm's row, from the shell, a bulk update, the admin or a
bug, gets an IntegrityError at once. The keys are found by walking the models, so a
foreign key added later without its composite key fails here until its migration
adds one (or it is listed below with the reason it has none).
"""

import datetime
from contextlib import nullcontext

import pgtrigger
import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from accounts import security_log
from accounts.models import Company
from core.same_firm import SameFirmForeignKey
from customers.models import Customer
from invoicing.models import InvoiceBasis, InvoicedEntry, InvoicedJobLine
from projects.models import Project
from timesheets.models import TimeEntry, Timer
from worktime.models import Reminder, WeekHandIn

from .factories import (
    AbsenceFactory,
    AbsenceTypeFactory,
    CustomerFactory,
    HolidayAllowanceFactory,
    JobFactory,
    JobLineFactory,
    ProjectFactory,
    ProjectMemberFactory,
    TimebankStartFactory,
    TimeEntryFactory,
    WorkScheduleFactory,
)

# Who created, changed or deleted a row: platform staff, who have no firm, do that in
# the Django admin too, and are recorded like anyone else.
AUDIT_FIELDS = {"created_by", "updated_by", "deleted_by"}
# Foreign keys between firm tables that have no same-firm key, and why.
# History (django-pghistory): an event points at its object with a same-firm key where
# the object is never removed (customer, project, time entry: soft deleted). The other
# columns of an event are a snapshot of the row as it was written, which that row's own
# keys held at the time.
SNAPSHOT = "a snapshot of the row as it was written, whose own same-firm key held it"
OUTLIVES = "removed rows keep their history: the event outlives the row it names"
NOT_KEYED = {
    "accounts.UserEvent.pgh_obj": OUTLIVES + " (platform staff may delete a user without data)",
    "customers.ContactPersonEvent.pgh_obj": OUTLIVES + " (a removed contact person)",
    "customers.ContactPersonEvent.customer": SNAPSHOT,
    "projects.ProjectEvent.customer": SNAPSHOT,
    "projects.ProjectMemberEvent.pgh_obj": OUTLIVES + " (an employee taken off a project)",
    "projects.ProjectMemberEvent.project": SNAPSHOT,
    "projects.ProjectMemberEvent.user": SNAPSHOT,
    "timesheets.TimeEntryEvent.user": SNAPSHOT,
    "timesheets.TimeEntryEvent.project": SNAPSHOT,
    "timesheets.TimeEntryEvent.customer": SNAPSHOT,
    "timesheets.TimeEntryEvent.approved_by": SNAPSHOT,
    "timesheets.TimerEvent.pgh_obj": OUTLIVES + " (a timer is removed when it stops)",
    "timesheets.TimerEvent.user": SNAPSHOT,
    "timesheets.TimerEvent.project": SNAPSHOT,
    "timesheets.TimerEvent.customer": SNAPSHOT,
    "invoicing.JobLineEvent.entry": SNAPSHOT,
    "invoicing.JobLineEvent.project": SNAPSHOT,
    "invoicing.JobLineEvent.user": SNAPSHOT,
    "invoicing.JobLineEvent.approved_by": SNAPSHOT,
    "worktime.WeekHandInEvent.user": SNAPSHOT,
    "worktime.WeekHandInEvent.pgh_obj": "the hand-in has no (company, id) key yet to point at",
    "worktime.WeekHandInEvent.returned_by": SNAPSHOT,
    # Kept by the database from the entries (timesheets.kept_totals_triggers), nothing
    # writes it: the entries' own same-firm key holds their employee.
    "timesheets.DayTally.user": "summed from the entries, whose own same-firm key held it",
    # Platform staff (no firm) acting on a firm's user are named in that firm's log.
    "accounts.SecurityEvent.actor": "who did it may be platform staff, who have no firm",
}


def is_firm_table(model):
    """A model with a firm: every CompanyOwned one, and the user (NULL for staff)."""
    return any(
        field.name == "company" and field.related_model is Company
        for field in model._meta.concrete_fields
        if field.is_relation
    )


def label(model, field):
    return f"{model._meta.label}.{field.name}"


def references_between_firm_tables():
    return [
        (model, field)
        for model in apps.get_models()
        if is_firm_table(model)
        for field in model._meta.concrete_fields
        if isinstance(field, models.ForeignKey)
        and field.related_model is not Company
        and is_firm_table(field.related_model)
    ]


def keyed(model, field):
    return label(model, field) not in NOT_KEYED and not (
        field.name in AUDIT_FIELDS and field.related_model is get_user_model()
    )


SAME_FIRM_KEYS = [(m, f) for m, f in references_between_firm_tables() if keyed(m, f)]
# Keyed, but never written as given: the database sets them from the row's own other
# references, so a write cannot point them anywhere (tested below on their own).
DERIVED = {"invoicing.JobLine.customer"}
WRITTEN_KEYS = [(m, f) for m, f in SAME_FIRM_KEYS if label(m, f) not in DERIVED]


def composite_key(model, field):
    """The foreign key constraint (company_id, <field>) -> <target>(company_id, id),
    as PostgreSQL has it: (name, deferrable) or None."""
    target = field.related_model
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT conname, condeferrable FROM pg_constraint
            WHERE contype = 'f' AND conrelid = %s::regclass AND confrelid = %s::regclass
              AND conkey = ARRAY(
                SELECT attnum FROM unnest(%s::text[]) WITH ORDINALITY AS c(name, n)
                JOIN pg_attribute ON attrelid = %s::regclass AND attname = c.name ORDER BY n)
              AND confkey = ARRAY(
                SELECT attnum FROM unnest(%s::text[]) WITH ORDINALITY AS c(name, n)
                JOIN pg_attribute ON attrelid = %s::regclass AND attname = c.name ORDER BY n)
            """,
            [
                model._meta.db_table,
                target._meta.db_table,
                [model._meta.get_field("company").column, field.column],
                model._meta.db_table,
                [target._meta.get_field("company").column, target._meta.pk.column],
                target._meta.db_table,
            ],
        )
        return cursor.fetchone()


def ids(keys):
    return [label(model, field) for model, field in keys]


@pytest.fixture
def firms(world):
    """Our firm and the other one with a row in every firm table, and a second
    customer and project of ours to move references to."""
    ProjectMemberFactory(project=world.project, user=world.employee)
    ProjectMemberFactory(project=world.other_project, user=world.other_admin)
    CustomerFactory(company=world.company)
    ProjectFactory(company=world.company)
    TimeEntryFactory(user=world.employee)
    security_log.record(security_log.Kind.SIGNED_IN, user=world.employee)
    for user in (world.employee, world.employee2, world.other_admin):
        WorkScheduleFactory(user=user)
        TimebankStartFactory(user=user)
        AbsenceFactory(user=user, decided_by=user)
        AbsenceFactory(
            user=user,
            kind="paid_leave",
            custom_type=AbsenceTypeFactory(company=user.company),
            start=datetime.date(2027, 4, 1),
        )
        HolidayAllowanceFactory(user=user)
        WeekHandIn.objects.create(
            company=user.company, user=user, week=datetime.date(2026, 11, 23), returned_by=user
        )
        Reminder.objects.create(
            company=user.company, user=user, kind="hand_in", period=datetime.date(2026, 11, 23)
        )
    JobFactory(user=world.employee)
    JobFactory(user=world.other_admin)
    for user, project in (
        (world.employee, world.project),
        (world.other_admin, world.other_project),
    ):
        Timer.objects.create(
            company=user.company,
            user=user,
            project=project,
            customer=project.customer,
            started_at=timezone.now(),
        )
    # Two bases of ours (a line moves to the second), one of the other firm's, whose
    # line is on an entry of its own, so that the first of its entries is in no basis.
    for company, customer, entry, by, number in (
        (world.company, world.customer, world.entry, world.admin, 1),
        (world.company, world.customer, None, world.admin, 2),
        (
            world.other_company,
            world.other_customer,
            TimeEntryFactory(user=world.other_admin),
            world.other_admin,
            1,
        ),
    ):
        basis = InvoiceBasis.objects.create(
            company=company,
            number=number,
            customer=customer,
            date_from=world.entry.date,
            date_to=world.entry.date,
            net=0,
            mva=0,
            total=0,
            invoiced_at=timezone.now(),
            invoiced_by=by,
        )
        if entry is not None:
            InvoicedEntry.objects.create(
                company=company, basis=basis, entry=entry, hours=entry.hours
            )
        # Materials on an entry, and on a project (approved), each firm's; the first
        # basis of each firm bills one of them (the other firm's its second, so that
        # its first line is in no basis).
        project = world.project if company == world.company else world.other_project
        on_entry = JobLineFactory(entry=entry or TimeEntryFactory(user=by))
        on_project = JobLineFactory(
            entry=None,
            project=project,
            user=by,
            date=world.entry.date,
            approved_at=timezone.now(),
            approved_by=by,
        )
        if number == 1:
            InvoicedJobLine.objects.create(
                company=company,
                basis=basis,
                line=on_entry if company == world.company else on_project,
                quantity=1,
                unit_price=1,
            )
    return world


# A line is on an entry or on a project, never both (a check constraint): its key to
# the one is tried on a line that has it.
ROW_OF = {
    "invoicing.JobLine.entry": {"project": None},
    "invoicing.JobLine.project": {"entry": None},
    # Only paid or unpaid leave may be of a firm's own type (a check constraint).
    "worktime.Absence.custom_type": {"custom_type__isnull": False},
}


def writable(model):
    """History tables are append-only (a trigger refuses UPDATE); the key is tried with
    that trigger out of the way."""
    return (
        pgtrigger.ignore(f"{model._meta.label}:append_only") if _is_event(model) else nullcontext()
    )


def _is_event(model):
    return any(t.name == "append_only" for t in getattr(model._meta, "triggers", ()))


def a_row(model, company, *, other_than=None, field=None):
    rows = model._base_manager.filter(company=company).exclude(pk=other_than)
    if field is not None:
        rows = rows.filter(**ROW_OF.get(label(model, field), {}))
    row = rows.order_by("pk").first()
    assert row is not None, f"the test needs a {model._meta.label} of {company}: add one above"
    return row


def test_the_walk_finds_the_references_between_firm_tables():
    assert set(ids(SAME_FIRM_KEYS)) >= {
        "customers.ContactPerson.customer",
        "projects.Project.customer",
        "projects.ProjectMember.project",
        "projects.ProjectMember.user",
        "timesheets.TimeEntry.user",
        "timesheets.TimeEntry.approved_by",
        "timesheets.TimeEntry.project",
        "timesheets.TimeEntry.customer",
    }


def test_every_reference_without_a_key_still_exists_and_says_why():
    found = set(ids(references_between_firm_tables()))
    assert set(NOT_KEYED) <= found, "remove the entries of foreign keys that are gone"


@pytest.mark.parametrize(("model", "field"), SAME_FIRM_KEYS, ids=ids(SAME_FIRM_KEYS))
def test_each_reference_has_an_immediate_composite_key(model, field, db):
    key = composite_key(model, field)

    assert key is not None, (
        f"{label(model, field)} has no same-firm key: add "
        f"SameFirmForeignKey({model._meta.model_name!r}, {field.name!r}) to a migration "
        f"of {model._meta.app_label}, or list it in NOT_KEYED with the reason"
    )
    name, deferrable = key
    assert not deferrable, f"{name} must fail at the statement, not at COMMIT"


@pytest.mark.parametrize(("model", "field"), WRITTEN_KEYS, ids=ids(WRITTEN_KEYS))
def test_pointing_at_another_firms_row_is_refused(model, field, firms):
    row = a_row(model, firms.company, field=field)
    theirs = a_row(field.related_model, firms.other_company)

    with pytest.raises(IntegrityError, match="same_firm"), writable(model), transaction.atomic():
        model._base_manager.filter(pk=row.pk).update(**{field.attname: theirs.pk})

    row.refresh_from_db()
    assert getattr(row, field.attname) != theirs.pk


@pytest.mark.parametrize(("model", "field"), WRITTEN_KEYS, ids=ids(WRITTEN_KEYS))
def test_pointing_at_another_row_of_the_same_firm_still_works(model, field, firms):
    row = a_row(model, firms.company, field=field)
    ours = a_row(field.related_model, firms.company, other_than=getattr(row, field.attname))

    with writable(model):
        model._base_manager.filter(pk=row.pk).update(**{field.attname: ours.pk})

    row.refresh_from_db()
    assert getattr(row, field.attname) == ours.pk


def test_an_entry_cannot_be_created_for_another_firms_project(world):
    with pytest.raises(IntegrityError, match="timeentry_project_id_same_firm"):
        TimeEntry.objects.create(
            company=world.company,
            user=world.employee,
            date=world.entry.date,
            hours=2,
            project=world.other_project,
        )


def test_hours_cannot_be_logged_for_platform_staff_who_have_no_firm(world, django_user_model):
    staff = django_user_model.objects.create_user("drift@svenn.no", name="Drift", is_staff=True)

    with pytest.raises(IntegrityError, match="timeentry_user_id_same_firm"):
        TimeEntry.objects.create(company=world.company, user=staff, date=world.entry.date, hours=2)


def test_a_user_with_hours_cannot_be_moved_to_another_firm(world, django_user_model):
    # The hours would stay in the old firm, pointing at a user of the new one.
    with pytest.raises(IntegrityError, match="same_firm"), transaction.atomic():
        django_user_model.objects.filter(pk=world.employee.pk).update(company=world.other_company)


def test_a_customer_with_projects_cannot_be_moved_to_another_firm(world):
    with pytest.raises(IntegrityError, match="same_firm"), transaction.atomic():
        Customer.objects.filter(pk=world.customer.pk).update(company=world.other_company)

    assert Project.objects.get(pk=world.project.pk).customer.company == world.company


def test_the_operation_drops_its_key_when_reversed_and_adds_it_again(db):
    state = MigrationLoader(connection).project_state()
    operation = SameFirmForeignKey("timeentry", "customer")
    field = TimeEntry._meta.get_field("customer")

    with connection.schema_editor() as editor:
        operation.database_backwards("timesheets", editor, state, state)
    assert composite_key(TimeEntry, field) is None

    with connection.schema_editor() as editor:
        operation.database_forwards("timesheets", editor, state, state)
    assert composite_key(TimeEntry, field) is not None

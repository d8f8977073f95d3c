import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.models import StaleVersion
from customers.models import Customer
from projects.models import Project, ProjectAccess, ProjectStatus
from timesheets import services
from timesheets.models import TimeEntry, TimeEntryEvent
from timesheets.selectors import entry_history

from .factories import CustomerFactory, ProjectFactory, TimeEntryFactory

T = datetime.time


@pytest.mark.parametrize(
    ("start", "end", "pause", "hours"),
    [
        (T(7, 0), T(15, 0), None, "8.00"),
        (T(7, 0), T(15, 0), 30, "7.50"),
        (T(7, 30), T(11, 10), 0, "3.67"),
        (T(0, 0), T(23, 59), None, "23.98"),
        (T(22, 0), T(23, 0), 15, "0.75"),
    ],
)
def test_hours_are_computed_from_from_to_and_break(start, end, pause, hours):
    assert services.hours_from_times(start=start, end=end, break_minutes=pause) == Decimal(hours)


@pytest.mark.parametrize(
    ("day", "hours"),
    [
        (datetime.date(2027, 3, 28), "3.00"),  # the clocks go from 02:00 to 03:00
        (datetime.date(2026, 10, 25), "5.00"),  # and back from 03:00 to 02:00
        (datetime.date(2026, 10, 26), "4.00"),
    ],
)
def test_a_night_the_clocks_change_has_the_hours_it_really_has(day, hours):
    assert services.hours_from_times(start=T(1, 0), end=T(5, 0), day=day) == Decimal(hours)


def test_to_before_from_is_refused():
    with pytest.raises(ValidationError) as error:
        services.hours_from_times(start=T(15, 0), end=T(7, 0))
    assert "end_time" in error.value.message_dict


def test_a_break_as_long_as_the_work_is_refused():
    with pytest.raises(ValidationError) as error:
        services.hours_from_times(start=T(8, 0), end=T(9, 0), break_minutes=60)
    assert "break_minutes" in error.value.message_dict


@pytest.mark.parametrize("hours", ["0", "-1", "24.01", "25"])
def test_hours_outside_a_day_are_refused_and_nothing_is_saved(world, hours):
    with pytest.raises(ValidationError):
        services.entry_create(
            company=world.company,
            by=world.employee,
            date=datetime.date(2026, 11, 26),
            hours=Decimal(hours),
        )
    assert TimeEntry.objects.filter(user=world.employee).count() == 1  # world.entry only


@pytest.mark.parametrize("hours", ["0.25", "7.5", "24"])
def test_hours_within_a_day_are_saved(world, hours):
    entry = services.entry_create(
        company=world.company,
        by=world.employee,
        date=datetime.date(2026, 11, 26),
        hours=Decimal(hours),
    )
    assert entry.hours == Decimal(hours)
    assert entry.user == world.employee and entry.company == world.company


def test_times_override_typed_hours(world):
    entry = services.entry_create(
        company=world.company,
        by=world.employee,
        date=datetime.date(2026, 11, 26),
        hours=Decimal("2"),
        start_time=T(7, 0),
        end_time=T(15, 30),
        break_minutes=30,
    )
    assert entry.hours == Decimal("8.00")
    assert (entry.start_time, entry.end_time, entry.break_minutes) == (T(7, 0), T(15, 30), 30)


def test_the_project_fills_in_its_customer(world):
    entry = services.entry_create(
        company=world.company,
        by=world.employee,
        date=datetime.date(2026, 11, 26),
        hours=Decimal("1"),
        project=world.project,
    )
    assert entry.customer == world.customer


def test_another_firms_project_or_customer_is_refused(world):
    for field, obj in (("project", world.other_project), ("customer", world.other_customer)):
        with pytest.raises(ValidationError) as error:
            services.entry_create(
                company=world.company,
                by=world.employee,
                date=datetime.date(2026, 11, 26),
                hours=Decimal("1"),
                **{field: obj},
            )
        assert field in error.value.message_dict


def _update(entry, by, **changes):
    values = {name: getattr(entry, name) for name in services.ENTRY_FIELDS}
    return services.entry_update(entry=entry, by=by, version=entry.version, **{**values, **changes})


def test_owner_changes_an_open_entry_and_the_version_goes_up(world):
    entry = _update(world.entry, world.employee, hours=Decimal("6"))
    assert entry.hours == Decimal("6.00") and entry.version == 2
    assert entry_history(entry) == []  # the trail shows changes after approval only


def test_a_stale_version_is_refused_and_nothing_is_overwritten(world):
    stale = TimeEntry.objects.get(pk=world.entry.pk)
    _update(world.entry, world.employee, hours=Decimal("6"))
    with pytest.raises(StaleVersion):
        _update(stale, world.employee, hours=Decimal("3"))
    assert TimeEntry.objects.get(pk=world.entry.pk).hours == Decimal("6.00")


def test_approved_entries_are_locked_for_the_owner_and_a_moderator(world):
    services.entries_approve(
        entries=TimeEntry.objects.filter(pk=world.entry.pk), by=world.moderator
    )
    entry = TimeEntry.objects.get(pk=world.entry.pk)
    assert entry.approved_by == world.moderator and entry.is_approved
    for user in (world.employee, world.moderator):
        with pytest.raises(services.EntryLocked):
            _update(entry, user, hours=Decimal("1"))
        with pytest.raises(services.EntryLocked):
            services.entry_delete(entry=entry, by=user)
    assert TimeEntry.objects.get(pk=entry.pk).hours == Decimal("7.50")


def test_an_admin_changes_an_approved_entry_and_it_is_recorded(world):
    services.entries_approve(
        entries=TimeEntry.objects.filter(pk=world.entry.pk), by=world.moderator
    )
    entry = TimeEntry.objects.get(pk=world.entry.pk)
    entry = _update(entry, world.admin, hours=Decimal("7"), description="Rettet")
    assert entry.is_approved and entry.hours == Decimal("7.00")
    change, approval = entry_history(entry)
    assert (change.action, approval.action, approval.by) == (
        "endret etter godkjenning",
        "godkjent",
        "Lars Moen",
    )
    assert [(str(label), old, new) for label, old, new in change.fields] == [
        ("timer", "7,5", "7"),
        ("beskrivelse", "", "Rettet"),
    ]


def test_an_admin_reopens_an_entry_the_owner_may_change_again_and_it_is_recorded(world):
    services.entries_approve(
        entries=TimeEntry.objects.filter(pk=world.entry.pk), by=world.moderator
    )
    entry = services.entry_reopen(entry=TimeEntry.objects.get(pk=world.entry.pk), by=world.admin)
    assert not entry.is_approved
    change = entry_history(entry)[0]
    assert change.action == "åpnet igjen" and "Lars Moen" in change.fields[0][1]
    assert _update(entry, world.employee, hours=Decimal("5")).hours == Decimal("5.00")


def test_a_moderator_cannot_reopen(world):
    with pytest.raises(PermissionDenied):
        services.entry_reopen(entry=world.entry, by=world.moderator)


def test_an_employee_cannot_approve(world):
    with pytest.raises(PermissionDenied):
        services.entries_approve(entries=TimeEntry.objects.all(), by=world.employee)
    assert not TimeEntry.objects.approved().exists()


def test_approving_touches_only_the_approvers_firm_and_open_entries(world):
    approval = services.entries_approve(entries=TimeEntry.objects.all(), by=world.admin)
    assert approval.approved == 1
    assert not TimeEntry.objects.get(pk=world.other_entry.pk).is_approved
    assert services.entries_approve(entries=TimeEntry.objects.all(), by=world.admin).approved == 0


def test_an_admin_deleting_an_approved_entry_leaves_a_record(world):
    services.entries_approve(entries=TimeEntry.objects.filter(pk=world.entry.pk), by=world.admin)
    services.entry_delete(entry=TimeEntry.objects.get(pk=world.entry.pk), by=world.admin)
    assert not TimeEntry.objects.alive().filter(pk=world.entry.pk).exists()
    deleted = TimeEntryEvent.objects.filter(pgh_obj_id=world.entry.pk).latest("pgh_id")
    assert deleted.deleted_by == world.admin and deleted.deleted_at is not None
    assert deleted.user == world.employee and deleted.approved_by == world.admin


def test_a_reopened_entry_can_still_be_deleted_by_its_owner(world):
    services.entries_approve(entries=TimeEntry.objects.filter(pk=world.entry.pk), by=world.admin)
    entry = services.entry_reopen(entry=TimeEntry.objects.get(pk=world.entry.pk), by=world.admin)
    services.entry_delete(entry=entry, by=world.employee)
    entry.refresh_from_db()
    assert entry.deleted_by == world.employee and entry.deleted_at is not None
    events = TimeEntryEvent.objects.filter(pgh_obj_id=entry.pk).order_by("pgh_id")
    assert events.last().deleted_by == world.employee


def test_an_owner_cannot_change_someone_elses_entry(world):
    entry = TimeEntryFactory(user=world.employee2)
    with pytest.raises(PermissionDenied):
        _update(entry, world.employee, hours=Decimal("1"))


# The pick rules hold in the service too, whatever the form offered.


def _create(world, by, **fields):
    return services.entry_create(
        company=world.company, by=by, date=datetime.date(2026, 11, 26), hours=Decimal("1"), **fields
    )


def test_an_employee_cannot_log_on_a_project_without_access_finished_or_deleted(world):
    hidden = ProjectFactory(company=world.company, access=ProjectAccess.SELECTED)
    done = ProjectFactory(company=world.company, status=ProjectStatus.DONE)
    gone = ProjectFactory(company=world.company, deleted_at=timezone.now())
    for project in (hidden, done, gone):
        with pytest.raises(ValidationError) as error:
            _create(world, world.employee, project=project)
        assert "project" in error.value.message_dict
    assert not TimeEntry.objects.filter(project__in=[hidden, done, gone]).exists()


def test_an_employee_cannot_pick_an_inactive_customer_of_no_project_of_theirs(world):
    inactive = CustomerFactory(company=world.company, is_active=False)
    gone = CustomerFactory(company=world.company, deleted_at=timezone.now())
    for customer in (inactive, gone):
        with pytest.raises(ValidationError) as error:
            _create(world, world.employee, customer=customer)
        assert "customer" in error.value.message_dict
    # A manager may pick the inactive one, nobody the deleted one.
    assert _create(world, world.moderator, customer=inactive).customer == inactive
    with pytest.raises(ValidationError):
        _create(world, world.moderator, customer=gone)


def test_an_employee_picks_the_inactive_customer_of_a_project_they_have_access_to(world):
    Customer.objects.filter(pk=world.customer.pk).update(is_active=False)
    world.customer.refresh_from_db()

    entry = _create(world, world.employee, project=world.project, customer=world.customer)

    assert entry.customer == world.customer


def test_an_edit_keeps_a_project_finished_and_a_customer_deleted_since(world):
    Project.objects.filter(pk=world.project.pk).update(status=ProjectStatus.DONE)
    Customer.objects.filter(pk=world.customer.pk).update(deleted_at=timezone.now())
    entry = TimeEntry.objects.get(pk=world.entry.pk)
    entry.project, entry.customer = world.project, world.customer
    entry.save()

    entry = _update(entry, world.employee, hours=Decimal("3"))

    assert (entry.project, entry.customer, entry.hours) == (
        world.project,
        world.customer,
        Decimal("3.00"),
    )


def test_an_edit_cannot_move_an_entry_to_a_project_or_customer_not_pickable(world):
    done = ProjectFactory(company=world.company, status=ProjectStatus.DONE)
    gone = CustomerFactory(company=world.company, deleted_at=timezone.now())
    for field, obj in (("project", done), ("customer", gone)):
        with pytest.raises(ValidationError) as error:
            _update(TimeEntry.objects.get(pk=world.entry.pk), world.employee, **{field: obj})
        assert field in error.value.message_dict
    assert TimeEntry.objects.get(pk=world.entry.pk).version == world.entry.version

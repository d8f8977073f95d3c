import datetime

from timesheets import selectors

from .factories import TimeEntryFactory

MONDAY = datetime.date(2026, 3, 2)


def test_entries_by_ids_ignore_ids_that_were_not_numbers(world):
    entry = TimeEntryFactory(user=world.employee)

    assert list(selectors.entries_by_ids([entry.pk, None])) == [entry]
    assert not selectors.entries_by_ids([None]).exists()


def test_entries_in_week_are_one_users_from_monday_to_sunday(world):
    week = selectors.Week.of(MONDAY)
    inside = [
        TimeEntryFactory(user=world.employee, date=MONDAY),
        TimeEntryFactory(user=world.employee, date=week.sunday),
    ]
    TimeEntryFactory(user=world.employee, date=MONDAY - datetime.timedelta(days=1))
    TimeEntryFactory(user=world.employee, date=week.sunday + datetime.timedelta(days=1))
    TimeEntryFactory(user=world.employee2, date=MONDAY)

    assert set(selectors.entries_in_week(world.employee, week)) == set(inside)

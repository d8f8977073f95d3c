"""Absence in the days of "Mine timer"."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import Project
from timesheets.models import TimeEntry
from worktime.models import AbsenceStatus

from .factories import AbsenceFactory, AbsenceTypeFactory, TimeEntryFactory, WorkScheduleFactory

pytestmark = pytest.mark.django_db

WEEK_URL = reverse("timesheets:week")
ABSENCE_URL = reverse("worktime:absences")
MONDAY = datetime.date(2027, 3, 1)  # week 9 of 2027, no public holiday in it
DAY = datetime.timedelta(days=1)


def days_of(response):
    """{date: the text of that day's section} of the week page."""
    html = response.content.decode()
    found = {}
    for section in re.findall(r'<section class="day.*?</section>', html, re.S):
        date = re.search(r'id="day-(\d{4}-\d\d-\d\d)"', section)[1]
        text = re.sub(r"<[^>]+>", " ", section)
        found[datetime.date.fromisoformat(date)] = " ".join(text.split())
    return found


def approved(**fields):
    return AbsenceFactory(status=AbsenceStatus.APPROVED, **fields)


def field_errors(response, name):
    return response.context["form"].errors.get(name, [])


# The week shows it ---------------------------------------------------------------


def test_each_day_of_the_week_shows_its_absence_with_hours_and_whether_it_waits(world, client_for):
    approved(user=world.employee, start=MONDAY, end=MONDAY + DAY)
    AbsenceFactory(user=world.employee, kind="sick_child", start=MONDAY + 2 * DAY, hours=3)
    own = AbsenceTypeFactory(company=world.company, name="Kurs")
    approved(
        user=world.employee, kind="paid_leave", custom_type=own, start=MONDAY + 3 * DAY, hours=2
    )
    AbsenceFactory(user=world.employee2, start=MONDAY + 4 * DAY)  # someone else's
    response = client_for(world.employee).get(WEEK_URL, {"week": "2027-W09"})
    days = days_of(response)
    assert "Ferie 7,5 t" in days[MONDAY]
    assert "Ferie 7,5 t" in days[MONDAY + DAY]
    assert "venter på godkjenning" not in days[MONDAY]
    assert "Sykt barn 3 t (venter på godkjenning)" in days[MONDAY + 2 * DAY]
    assert "Kurs 2 t" in days[MONDAY + 3 * DAY]
    assert "Ferie" not in days[MONDAY + 4 * DAY]
    assert 'class="day-absence"' not in response.content.decode().split('id="day-2027-03-05"')[1]


def test_absence_shows_only_on_the_days_it_covers_not_on_a_public_holiday_or_weekend(
    world, client_for
):
    # Ascension Day 2027 is Thursday 6 May; the holiday runs over the weekend.
    approved(user=world.employee, start=datetime.date(2027, 5, 3), end=datetime.date(2027, 5, 9))
    days = days_of(client_for(world.employee).get(WEEK_URL, {"week": "2027-W18"}))
    shown = [date.day for date, text in days.items() if "Ferie" in text]
    assert shown == [3, 4, 5, 7]


def test_the_absence_hours_are_the_days_expected_ones_on_a_short_day(world, client_for):
    WorkScheduleFactory(user=world.employee, valid_from=MONDAY, friday=Decimal("6"))
    approved(user=world.employee, start=MONDAY + 4 * DAY)
    days = days_of(client_for(world.employee).get(WEEK_URL, {"week": "2027-W09"}))
    assert "Ferie 6 t" in days[MONDAY + 4 * DAY]


def test_a_manager_sees_the_employees_absence_in_their_week(world, client_for):
    AbsenceFactory(user=world.employee, start=MONDAY)
    for manager in (world.moderator, world.admin):
        response = client_for(manager).get(
            WEEK_URL, {"week": "2027-W09", "user": world.employee.pk}
        )
        assert "Ferie 7,5 t (venter på godkjenning)" in days_of(response)[MONDAY]
    # Another employee asking for the week gets their own, without it.
    response = client_for(world.employee2).get(
        WEEK_URL, {"week": "2027-W09", "user": world.employee.pk}
    )
    assert "Ferie" not in days_of(response)[MONDAY]
    other = client_for(world.other_admin).get(
        WEEK_URL, {"week": "2027-W09", "user": world.employee.pk}
    )
    assert other.status_code == 404


def test_the_week_reads_its_absence_in_the_same_queries_whatever_the_days(
    world, client_for, django_assert_num_queries
):
    client = client_for(world.employee)
    approved(user=world.employee, start=MONDAY)
    client.get(WEEK_URL, {"week": "2027-W09"})  # warm up the session and the user
    with CaptureQueriesContext(connection) as one_day:
        client.get(WEEK_URL, {"week": "2027-W09"})
    approved(user=world.employee, start=MONDAY + DAY, end=MONDAY + 3 * DAY)
    AbsenceFactory(user=world.employee, kind="sick_child", start=MONDAY + 4 * DAY, hours=2)
    approved(user=world.employee, kind="sick_child", start=MONDAY + 5 * DAY, hours=2)
    with django_assert_num_queries(len(one_day.captured_queries)):
        response = client.get(WEEK_URL, {"week": "2027-W09"})
    assert sum("Ferie" in text for text in days_of(response).values()) == 4

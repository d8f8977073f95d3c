"""Absence in the days of "Mine timer", and absence and hours on the same day: some
hours of absence leave room for the hours logged, and no hours are logged on a day of
whole-day absence."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from timesheets.models import TimeEntry, Timer
from worktime.models import AbsenceStatus

from .factories import AbsenceFactory, AbsenceTypeFactory, TimeEntryFactory, WorkScheduleFactory
from .test_attacks_concurrency import post_at_once

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


# Some hours of absence leave room -------------------------------------------------


def ask(client, kind, start, end=None, **more):
    return client.post(ABSENCE_URL, {"kind": kind, "start": start, "end": end or start, **more})


def test_hours_of_absence_beside_hours_logged_are_asked_for_and_shown_together(world, client_for):
    TimeEntryFactory(user=world.employee, date=MONDAY, hours=Decimal("4.5"))
    client = client_for(world.employee)
    assert ask(client, "sick_child", "01.03.2027", hours="3").status_code == 302
    days = days_of(client.get(WEEK_URL, {"week": "2027-W09"}))
    assert "4,5 t" in days[MONDAY]
    assert "Sykt barn 3 t (venter på godkjenning)" in days[MONDAY]


def test_hours_of_absence_beyond_the_days_expected_hours_are_refused_next_to_hours(
    world, client_for
):
    WorkScheduleFactory(user=world.employee, valid_from=MONDAY, wednesday=Decimal("4"))
    response = ask(client_for(world.employee), "sick_child", "01.03.2027", "05.03.2027", hours="5")
    assert response.status_code == 422
    assert field_errors(response, "hours") == [
        "03.03.2027 skal du jobbe 4 t; be om høyst det, eller om hele dagen."
    ]
    assert not world.employee.absences.exists()


def test_hours_of_absence_that_take_a_day_past_24_hours_are_refused(world, client_for):
    TimeEntryFactory(user=world.employee, date=MONDAY + DAY, hours=Decimal("18"))
    response = ask(client_for(world.employee), "sick_child", "01.03.2027", "02.03.2027", hours="7")
    assert response.status_code == 422
    assert field_errors(response, "hours") == [
        "Du har ført 18 t 02.03.2027; med 7 t fravær blir dagen over 24 timer."
    ]
    assert not world.employee.absences.exists()


# No hours on a day of whole-day absence --------------------------------------------


def log(client, project, date, hours="2", **more):
    return client.post(
        reverse("timesheets:entry_create"),
        {"date": date, "hours": hours, "project": project.pk, "description": "Befaring", **more},
    )


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (AbsenceStatus.APPROVED, "Du har ferie denne dagen."),
        (AbsenceStatus.REQUESTED, "Du har søkt om ferie denne dagen."),
    ],
)
def test_hours_on_a_day_of_whole_day_absence_are_refused_next_to_the_date(
    world, client_for, status, message
):
    AbsenceFactory(user=world.employee, start=MONDAY, end=MONDAY + DAY, status=status)
    response = log(client_for(world.employee), world.project, "2027-03-02")
    assert response.status_code == 422
    assert field_errors(response, "date") == [message]
    assert not TimeEntry.objects.filter(date=MONDAY + DAY).exists()


def test_hours_on_a_day_of_withdrawn_or_rejected_absence_are_logged(world, client_for):
    AbsenceFactory(user=world.employee, start=MONDAY, status=AbsenceStatus.WITHDRAWN)
    AbsenceFactory(user=world.employee, start=MONDAY + DAY, status=AbsenceStatus.REJECTED)
    client = client_for(world.employee)
    assert log(client, world.project, "2027-03-01").status_code == 302
    assert log(client, world.project, "2027-03-02").status_code == 302
    # Someone else's holiday is no matter either.
    approved(user=world.employee2, start=MONDAY + 2 * DAY)
    assert log(client, world.project, "2027-03-03").status_code == 302


def test_moving_an_entry_onto_a_day_of_holiday_is_refused_and_changing_it_in_place_is_not(
    world, client_for
):
    entry = TimeEntryFactory(user=world.employee, date=MONDAY, hours=Decimal("2"))
    approved(user=world.employee, start=MONDAY + DAY)
    client = client_for(world.employee)
    url = reverse("timesheets:entry_update", args=[entry.pk])
    data = {"hours": "3", "project": world.project.pk, "description": "Rigg"}
    data["version"] = entry.version
    response = client.post(url, {**data, "date": "2027-03-02"})
    assert response.status_code == 422
    assert field_errors(response, "date") == ["Du har ferie denne dagen."]
    assert client.post(url, {**data, "date": "2027-03-01"}).status_code == 302
    entry.refresh_from_db()
    assert (entry.date, entry.hours) == (MONDAY, Decimal("3"))


def test_hours_beside_hours_of_absence_may_not_pass_24_hours(world, client_for):
    approved(user=world.employee, kind="sick_child", start=MONDAY, hours=Decimal("5"))
    client = client_for(world.employee)
    assert log(client, world.project, "2027-03-01", hours="12", long_day="on").status_code == 302
    response = log(client, world.project, "2027-03-01", hours="8", long_day="on")
    assert response.status_code == 422
    assert field_errors(response, "hours") == [
        "Med 5 t sykt barn har dagen 25 timer, og en dag har høyst 24."
    ]


def test_copying_last_week_onto_a_day_of_holiday_copies_nothing_and_says_why(world, client_for):
    TimeEntryFactory(user=world.employee, date=MONDAY - 7 * DAY, hours=Decimal("7.5"))
    approved(user=world.employee, start=MONDAY)
    response = client_for(world.employee).post(
        reverse("timesheets:entry_copy"), {"week": "2027-W09"}
    )
    assert response.status_code == 409
    assert "Du har ferie denne dagen." in response.content.decode()
    assert not TimeEntry.objects.filter(date=MONDAY).exists()


def test_a_timer_is_not_started_on_a_day_of_holiday(world, client_for):
    approved(user=world.employee, start=timezone.localdate())
    response = client_for(world.employee).post(
        reverse("timesheets:timer_start"), {"project": world.project.pk}
    )
    assert response.status_code == 422
    assert "Dato: Du har ferie denne dagen." in response.content.decode()
    assert not Timer.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_holiday_asked_for_and_hours_logged_on_its_day_at_once_keep_exactly_one(world):
    statuses = post_at_once(
        [
            (
                world.employee,
                ABSENCE_URL,
                {"kind": "holiday", "start": "01.03.2027", "end": "05.03.2027"},
            ),
            (
                world.employee,
                reverse("timesheets:entry_create"),
                {"date": "2027-03-03", "hours": "2", "project": world.project.pk},
            ),
        ]
    )
    assert statuses == [302, 422]
    with scopes_disabled():
        logged = TimeEntry.objects.filter(date=MONDAY + 2 * DAY).exists()
        asked = world.employee.absences.exists()
    assert logged != asked

"""The calculation of working time, read like a pay slip: a table of days in, a table
of totals out (worktime.calculation; docs/architecture.md, "Working time")."""

import datetime
from decimal import Decimal

import pytest
from django_scopes import scope

from worktime.calculation import AFTER_HOUR, SUNDAYS_AND_DAYS_OFF, Day, Rules, calculate
from worktime.models import AbsenceKind, AbsenceStatus, DayOff, OvertimeRules
from worktime.selectors import employee_days

from .factories import (
    AbsenceFactory,
    AbsenceTypeFactory,
    TimebankStartFactory,
    TimeEntryFactory,
    WorkScheduleFactory,
)


def days(table, *, flex=False):
    """Rows of "date expected worked [absence] [off]"; hours with a decimal comma."""
    found = []
    for line in table.strip().splitlines():
        date, expected, worked, *rest = line.split()
        found.append(
            Day(
                date=datetime.datetime.strptime(date, "%d.%m.%Y").date(),
                expected=hours(expected),
                worked=hours(worked),
                absence=hours(rest[0]) if rest and rest[0] != "off" else Decimal(0),
                day_off="off" in rest,
                flex=flex,
            )
        )
    return found


def hours(text):
    return Decimal(text.replace(",", "."))


def slip(totals):
    """The totals as a pay slip lists them: only the lines with hours."""
    lines = {"normal": totals.normal, "timebank": totals.timebank}
    lines.update({f"overtime {p} %": h for p, h in totals.overtime_bands()})
    return {name: f"{value.normalize():f}".replace(".", ",") for name, value in lines.items()}


def test_a_long_day_and_a_long_week_are_overtime_at_50_percent():
    week = days("""
        23.11.2026  7,5  10
        24.11.2026  7,5  8
        25.11.2026  7,5  8
        26.11.2026  7,5  8
        27.11.2026  7,5  8
    """)
    # Monday: 1 h over 9 h. Friday: the week's 41st hour that was not overtime already.
    assert slip(calculate(week, Rules())) == {
        "normal": "40",
        "timebank": "0",
        "overtime 50 %": "2",
    }


def test_a_week_that_crosses_the_year_counts_its_days_together_and_pays_each_in_its_year():
    week = days("""
        28.12.2026  7,5  10
        29.12.2026  7,5  10
        30.12.2026  7,5  10
        31.12.2026  7,5  10
        01.01.2027  0    0    off
        02.01.2027  0    6
        03.01.2027  0    0
    """)
    rules = Rules()
    # Monday to Thursday: 1 h a day over 9 h; 36 h up to the limits by New Year.
    assert slip(calculate(week, rules, end=datetime.date(2026, 12, 31))) == {
        "normal": "36",
        "timebank": "0",
        "overtime 50 %": "4",
    }
    # Saturday's 6 h pass the week's 40 h after 4 h, in 2027.
    assert slip(calculate(week, rules, start=datetime.date(2027, 1, 1))) == {
        "normal": "4",
        "timebank": "0",
        "overtime 50 %": "2",
    }


def test_a_holiday_mid_week_has_no_expected_hours_and_its_overtime_is_in_the_second_band():
    week = days("""
        11.05.2026  7,5  7,5
        12.05.2026  7,5  7,5
        13.05.2026  7,5  7,5
        14.05.2026  0    10   off
        15.05.2026  7,5  7,5
    """)
    rules = Rules(second_band=SUNDAYS_AND_DAYS_OFF)
    assert calculate(week, rules).expected == Decimal("30")
    assert slip(calculate(week, rules)) == {
        "normal": "39",
        "timebank": "0",
        "overtime 100 %": "1",
    }


def test_on_fleksitid_the_hours_on_a_holiday_go_into_the_timebank():
    week = days(
        """
        11.05.2026  7,5  7,5
        12.05.2026  7,5  8
        13.05.2026  7,5  7,5
        14.05.2026  0    4    off
        15.05.2026  7,5  6
        """,
        flex=True,
    )
    assert slip(calculate(week, Rules())) == {"normal": "30", "timebank": "3"}


def test_a_part_time_employees_extra_day_is_normal_hours_not_overtime():
    week = days("""
        23.11.2026  7,5  7,5
        24.11.2026  7,5  7,5
        25.11.2026  7,5  7,5
        26.11.2026  0    7,5
        27.11.2026  0    0
    """)
    assert slip(calculate(week, Rules())) == {"normal": "30", "timebank": "0"}


def test_approved_absence_covers_the_expected_hours_of_a_flexitime_day():
    week = days(
        """
        23.11.2026  7,5  0    7,5
        24.11.2026  7,5  3,5  4
        """,
        flex=True,
    )
    totals = calculate(week, Rules())
    assert (totals.absence, totals.timebank) == (Decimal("11.5"), Decimal("0"))


def test_a_second_band_with_its_own_supplement_beside_the_first():
    week = days("""
        22.11.2026  0    11
    """)
    rules = Rules(overtime_percent=40, second_band=SUNDAYS_AND_DAYS_OFF, second_band_percent=100)
    assert slip(calculate(week, rules)) == {"normal": "9", "timebank": "0", "overtime 100 %": "2"}


# From the database: schedules, entries, days off and the clock ---------------------


@pytest.fixture
def employee(world):
    TimebankStartFactory(user=world.employee, date=datetime.date(2026, 1, 1))
    return world.employee


def month_of(employee, start, end, rules=None):
    with scope(company=employee.company):
        rules = rules or OvertimeRules()
        return employee_days([employee], start, end, rules)[employee.pk], rules.as_rules()


def test_a_schedule_change_mid_month_applies_from_its_day(employee):
    WorkScheduleFactory(user=employee, valid_from=datetime.date(2026, 1, 1), flex=True)
    WorkScheduleFactory(
        user=employee,
        valid_from=datetime.date(2026, 11, 16),
        position_percent=60,
        thursday=0,
        friday=0,
        flex=True,
    )
    for day in range(2, 31):
        date = datetime.date(2026, 11, day)
        if date.weekday() < 5:
            TimeEntryFactory(user=employee, date=date, hours=Decimal("7.5"))
    month, rules = month_of(employee, datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
    # 2.–13.11: ten days of 7,5 h; from 16.11 Monday to Wednesday, seven days.
    totals = calculate(month, rules)
    assert (totals.expected, totals.worked) == (Decimal("127.5"), Decimal("157.5"))
    assert slip(totals) == {"normal": "127,5", "timebank": "30"}


def test_the_firms_day_off_has_no_expected_hours(employee):
    DayOff.objects.create(company=employee.company, date=datetime.date(2026, 12, 24), name="Jul")
    week, rules = month_of(employee, datetime.date(2026, 12, 21), datetime.date(2026, 12, 27))
    # Christmas Eve is the firm's, Christmas Day a public holiday.
    assert calculate(week, rules).expected == Decimal("22.5")


@pytest.mark.parametrize("monday", [datetime.date(2026, 3, 23), datetime.date(2026, 10, 19)])
def test_a_week_with_a_change_of_summer_time_has_seven_days_and_its_hours(employee, monday):
    """Europe/Oslo changes its clocks on the last Sundays of March and October: days are
    calendar days, so the week is as long as any other."""
    sunday = monday + datetime.timedelta(days=6)
    TimeEntryFactory(user=employee, date=sunday, hours=Decimal("4"))
    week, rules = month_of(employee, monday, sunday)
    assert [day.date for day in week] == [monday + datetime.timedelta(days=n) for n in range(7)]
    totals = calculate(week, rules)
    assert (totals.expected, totals.worked) == (Decimal("37.5"), Decimal("4"))


def test_overtime_after_nine_in_the_evening_is_in_the_second_band(employee):
    rules = OvertimeRules(
        second_band=AFTER_HOUR, second_band_percent=100, second_band_from=datetime.time(21)
    )
    late, early = datetime.date(2026, 11, 23), datetime.date(2026, 11, 24)
    TimeEntryFactory(
        user=employee, date=late, start_time=datetime.time(12), end_time=datetime.time(23),
        hours=Decimal("11"),
    )  # fmt: skip
    TimeEntryFactory(
        user=employee, date=early, start_time=datetime.time(6), end_time=datetime.time(17),
        hours=Decimal("11"),
    )  # fmt: skip
    week, calculation_rules = month_of(employee, late, early, rules)
    assert slip(calculate(week, calculation_rules, end=late))["overtime 100 %"] == "2"
    assert slip(calculate(week, calculation_rules, start=early))["overtime 50 %"] == "2"


def test_the_firms_own_paid_and_unpaid_types_count_as_paid_and_unpaid_leave(employee):
    """A week of fleksitid: two days worked, then Kurs (the firm's, paid), Velferdspermisjon
    (the firm's, unpaid) and a day of the built-in unpaid leave."""
    WorkScheduleFactory(user=employee, valid_from=datetime.date(2026, 1, 1), flex=True)
    course = AbsenceTypeFactory(company=employee.company, name="Kurs", paid=True)
    welfare = AbsenceTypeFactory(company=employee.company, name="Velferdspermisjon", paid=False)
    for day in (23, 24):
        TimeEntryFactory(user=employee, date=datetime.date(2026, 11, day), hours=Decimal("7.5"))
    for day, custom_type, kind in [
        (25, course, AbsenceKind.PAID_LEAVE),
        (26, welfare, AbsenceKind.UNPAID_LEAVE),
        (27, None, AbsenceKind.UNPAID_LEAVE),
    ]:
        date = datetime.date(2026, 11, day)
        AbsenceFactory(
            user=employee, kind=kind, custom_type=custom_type, start=date,
            status=AbsenceStatus.APPROVED,
        )  # fmt: skip
    week, rules = month_of(employee, datetime.date(2026, 11, 23), datetime.date(2026, 11, 29))
    totals = calculate(week, rules)
    assert (totals.expected, totals.worked, totals.absence) == (
        Decimal("37.5"),
        Decimal("15"),
        Decimal("22.5"),
    )
    # The absence covers its days: the timebank neither gains nor loses, and the
    # normal hours are the two days worked.
    assert slip(totals) == {"normal": "15", "timebank": "0"}
    covered = {d.date.day: d.absence for d in week if d.absence}
    assert covered == {25: Decimal("7.5"), 26: Decimal("7.5"), 27: Decimal("7.5")}

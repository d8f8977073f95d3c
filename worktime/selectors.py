"""Reads of working time: schedules, the firm's rules, and each employee's days for
the calculation (worktime.calculation), for one employee or the whole firm in a
fixed number of queries."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.selectors import users_of_company
from timesheets.models import TimeEntry

from . import calendar
from .calculation import ZERO, Day, Totals, between, per_day
from .models import DEFAULT_SCHEDULE, OvertimeRules, TimebankStart, WorkSchedule

ONE_DAY = datetime.timedelta(days=1)
HUNDREDTH = Decimal("0.01")


def get_employee(pk):
    """An employee of the request's firm, else a 404."""
    return get_object_or_404(users_of_company(), pk=pk)


def firm_rules():
    """The firm's overtime rules, or the defaults when it never changed them."""
    return OvertimeRules.objects.first() or OvertimeRules()


def schedules_of(user):
    return list(WorkSchedule.objects.filter(user=user).select_related("created_by"))


def schedule_on(schedules, date):
    """The schedule that applies on ``date``: the latest one begun by then."""
    begun = [s for s in schedules if s.valid_from <= date]
    return max(begun, key=lambda s: s.valid_from) if begun else DEFAULT_SCHEDULE


def timebank_start_of(user):
    return TimebankStart.objects.filter(user=user).first()


def _dates(start, end):
    day = start
    while day <= end:
        yield day
        day += ONE_DAY


def _hours_after(entry, hour):
    """The part of a timed entry after ``hour`` (the day's last hours, so its break
    is taken before them)."""
    start, end = entry["start_time"], entry["end_time"]
    if end <= hour:
        return ZERO
    base = datetime.date.min
    after = datetime.datetime.combine(base, end) - datetime.datetime.combine(base, max(start, hour))
    return min(entry["hours"], (Decimal(after.seconds // 60) / 60).quantize(HUNDREDTH))


def begin_of(user, start):
    """The first day the employee's timebank counts (and any hours are expected)."""
    return start.date if start is not None else timezone.localdate(user.date_joined)


def employee_days(users, start, end, rules, begins=None):
    """{user id: [Day]} for each day from ``start`` to ``end``: the schedule's hours
    (none on a holiday, a day off or before the employee's timebank starts, ``begins``
    by user id when known), the hours logged, and which days are off. One query per
    kind of row, whatever the number of employees."""
    ids = [user.pk for user in users]
    if begins is None:
        starts = {s.user_id: s for s in TimebankStart.objects.filter(user__in=ids)}
        begins = {user.pk: begin_of(user, starts.get(user.pk)) for user in users}
    worked = defaultdict(lambda: ZERO)
    logged = TimeEntry.objects.alive().filter(user__in=ids, date__range=(start, end))
    for row in logged.values("user", "date").annotate(total=Sum("hours")):
        worked[row["user"], row["date"]] = row["total"]
    after = defaultdict(lambda: ZERO)
    if rules.second_band_from is not None and rules.second_band:
        timed = logged.filter(start_time__isnull=False, end_time__gt=rules.second_band_from)
        for entry in timed.values("user", "date", "start_time", "end_time", "hours"):
            after[entry["user"], entry["date"]] += _hours_after(entry, rules.second_band_from)
    schedules = defaultdict(list)
    for schedule in WorkSchedule.objects.filter(user__in=ids, valid_from__lte=end):
        schedules[schedule.user_id].append(schedule)
    off = calendar.days_off(start, end)
    found = {}
    for user in users:
        begin = begins[user.pk]
        days = []
        for date in _dates(start, end):
            schedule = schedule_on(schedules[user.pk], date)
            employed = date >= begin
            days.append(
                Day(
                    date=date,
                    expected=schedule.hours_on(date) if employed and date not in off else ZERO,
                    worked=worked[user.pk, date],
                    day_off=date in off,
                    flex=schedule.flex and employed,
                    worked_after=after[user.pk, date],
                )
            )
        found[user.pk] = days
    return found


@dataclass
class Balance:
    """An employee's week, year to date and timebank, as "Mine timer" shows them."""

    user: object
    week: Totals
    year: Totals
    timebank: object  # hours, at the end of today


def balances(users, week, today=None):
    """[Balance] of ``users`` for ``week`` (a timesheets Week), the year to ``today``
    and the timebank at the end of ``today``."""
    users = list(users)
    if not users:
        return []
    today = today or timezone.localdate()
    rules = firm_rules()
    starts = {s.user_id: s for s in TimebankStart.objects.filter(user__in=users)}
    year_start = today.replace(month=1, day=1)
    begins = {user.pk: begin_of(user, starts.get(user.pk)) for user in users}
    # Whole ISO weeks, so the weekly limit sees the days before each range's start.
    first = min([week.monday, year_start, today, *begins.values()])
    first -= datetime.timedelta(days=first.weekday())
    last = max(week.sunday, today)
    days = employee_days(users, first, last, rules, begins)
    found = []
    for user in users:
        begin = begins[user.pk]
        results = per_day(days[user.pk], rules.as_rules())
        start = starts.get(user.pk)
        banked = sum((r.timebank for date, r in results.items() if begin <= date <= today), ZERO)
        found.append(
            Balance(
                user=user,
                week=between(results, week.monday, week.sunday),
                year=between(results, year_start, today),
                timebank=(start.balance if start else ZERO) + banked,
            )
        )
    return found

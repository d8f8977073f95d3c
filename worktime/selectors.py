"""Reads of working time: schedules, the firm's rules, and each employee's days for
the calculation (worktime.calculation), for one employee or the whole firm in a
fixed number of queries."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.selectors import active_users, users_of_company
from timesheets.models import TimeEntry
from timesheets.selectors import Week

from . import calendar
from .calculation import ZERO, Day, Totals, between, per_day
from .models import (
    DEFAULT_SCHEDULE,
    EMPTY_DAY_FROM,
    Absence,
    AbsenceKind,
    AbsenceStatus,
    AbsenceType,
    HolidayAllowance,
    OvertimeRules,
    TimebankStart,
    WeekHandIn,
    WorkSchedule,
)

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
    absent = defaultdict(list)
    approved = Absence.objects.filter(
        user__in=ids, status=AbsenceStatus.APPROVED, start__lte=end, end__gte=start
    )
    for absence in approved:
        absent[absence.user_id].append(absence)
    off = calendar.days_off(start, end)
    found = {}
    for user in users:
        begin = begins[user.pk]
        days = []
        for date in _dates(start, end):
            schedule = schedule_on(schedules[user.pk], date)
            employed = date >= begin
            expected = schedule.hours_on(date) if employed and date not in off else ZERO
            covered, time_off = _absence_on(absent[user.pk], date, expected)
            days.append(
                Day(
                    date=date,
                    expected=expected,
                    worked=worked[user.pk, date],
                    absence=covered,
                    time_off=time_off,
                    day_off=date in off,
                    flex=schedule.flex and employed,
                    worked_after=after[user.pk, date],
                )
            )
        found[user.pk] = days
    return found


def _absence_on(absences, date, expected):
    """(hours covered, hours of avspasering) of ``date``: approved absence covers at
    most the day's expected hours, so a holiday or a day off inside it counts none."""
    covered = time_off = ZERO
    for absence in absences:
        if absence.start <= date <= absence.end:
            hours = min(expected, expected if absence.whole_days else absence.hours)
            if absence.kind == AbsenceKind.TIME_OFF:
                time_off += hours
            else:
                covered += hours
    return min(covered, expected), min(time_off, expected - min(covered, expected))


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


# Absence ----------------------------------------------------------------------------


def absence_days(user, start, end):
    """``user``'s days from ``start`` to ``end`` as the calculation sees them."""
    return employee_days([user], start, end, firm_rules())[user.pk]


def absence_types():
    """The firm's own absence types, the active ones first, each with whether it is in
    use (so whether it can be deleted): one query."""
    in_use = Exists(Absence.objects.filter(custom_type=OuterRef("pk")))
    return AbsenceType.objects.annotate(in_use=in_use)


def get_own_absence(request, pk):
    """One of the request user's absences, else a 404."""
    return get_object_or_404(Absence.objects.filter(user=request.user), pk=pk)


def get_absence_for_manager(pk):
    return get_object_or_404(Absence.objects.select_related("user", "custom_type"), pk=pk)


def absences_of(user):
    return Absence.objects.filter(user=user).select_related("decided_by", "custom_type")


def requested_absences():
    """The firm's requests waiting for a decision, the earliest first."""
    return (
        Absence.objects.filter(status=AbsenceStatus.REQUESTED)
        .select_related("user", "custom_type")
        .order_by("start", "id")
    )


@dataclass
class HolidayBalance:
    year: int
    days: Decimal
    carried_over: Decimal
    used: Decimal  # approved, up to today
    planned: Decimal  # approved after today, and requested

    @property
    def left(self):
        return self.days + self.carried_over - self.used - self.planned


def holiday_balance(user, year, today=None):
    """Holiday days of ``year``: the allowance (25 without one) and carried over, used
    and planned; only working days count (a holiday inside a holiday request does not)."""
    today = today or timezone.localdate()
    allowance = HolidayAllowance.objects.filter(user=user, year=year).first()
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    holidays = Absence.objects.standing().filter(
        user=user, kind=AbsenceKind.HOLIDAY, start__lte=last, end__gte=first
    )
    used = planned = ZERO
    holidays = list(holidays)
    if holidays:
        days = {d.date: d for d in absence_days(user, first, last)}
        for absence in holidays:
            for date in _dates(max(absence.start, first), min(absence.end, last)):
                if days[date].expected:
                    past = absence.status == AbsenceStatus.APPROVED and date <= today
                    used, planned = (used + 1, planned) if past else (used, planned + 1)
    return HolidayBalance(
        year=year,
        days=allowance.days if allowance else Decimal("25"),
        carried_over=allowance.carried_over if allowance else ZERO,
        used=used,
        planned=planned,
    )


def self_certified_in_year(user, end):
    """{absence id: calendar days} of ``user``'s egenmelding in the 12 months to ``end``."""
    since = end - datetime.timedelta(days=365)
    found = Absence.objects.standing().filter(
        user=user, kind=AbsenceKind.SELF_CERTIFIED, end__gt=since, start__lte=end
    )
    return {a.pk: (min(a.end, end) - max(a.start, since)).days + 1 for a in found}


def timebank_available(user, today=None):
    """The timebank at the end of today, less the avspasering already asked for or
    approved from tomorrow on."""
    today = today or timezone.localdate()
    (balance,) = balances([user], Week.of(today), today)
    coming = list(
        Absence.objects.standing().filter(user=user, kind=AbsenceKind.TIME_OFF, end__gt=today)
    )
    booked = ZERO
    if coming:
        start = max(today + ONE_DAY, min(a.start for a in coming))
        days = absence_days(user, start, max(a.end for a in coming))
        for absence in coming:
            for day in days:
                if absence.start <= day.date <= absence.end and day.expected:
                    booked += (
                        day.expected if absence.whole_days else min(absence.hours, day.expected)
                    )
    return balance.timebank - booked


def absences_on(user, day):
    """``user``'s requested and approved absence on ``day``. Asked by timesheets'
    writes (a day check), as ``week_handed_in``: the firm is the user's."""
    with scopes_disabled():
        return list(
            Absence.objects.standing()
            .filter(company_id=user.company_id, user=user)
            .overlapping(day, day)
            .select_related("custom_type")
        )


@dataclass(frozen=True)
class DayAbsence:
    """Absence on one day of "Mine timer": the hours of the day it covers."""

    absence: Absence
    hours: Decimal


def week_absences(user, week):
    """{date: [DayAbsence]} of ``user``'s requested and approved absence in ``week``
    (a timesheets Week), on the days it covers hours: one query when there is none,
    a fixed few more when there is, whatever the number of days."""
    absences = list(
        Absence.objects.standing()
        .filter(user=user)
        .overlapping(week.monday, week.sunday)
        .select_related("custom_type")
        .order_by("start", "id")
    )
    found = defaultdict(list)
    if not absences:
        return found
    for day in absence_days(user, week.monday, week.sunday):
        for absence in absences:
            if day.expected and absence.start <= day.date <= absence.end:
                hours = day.expected if absence.whole_days else min(absence.hours, day.expected)
                found[day.date].append(DayAbsence(absence=absence, hours=hours))
    return found


def month_absences(first, last):
    """The firm's requested and approved absence touching the days ``first``–``last``."""
    return (
        Absence.objects.standing()
        .overlapping(first, last)
        .select_related("user", "custom_type")
        .order_by("user__name", "start")
    )


# "Lever uke" -----------------------------------------------------------------------


def week_handed_in(user, day):
    """Whether ``user`` has handed in the week of ``day`` and not had it back. Asked by
    timesheets' writes and by the Django admin, where no firm's scope is active: the
    firm is the user's."""
    monday = Week.of(day).monday
    with scopes_disabled():
        return WeekHandIn.objects.filter(
            company_id=user.company_id, user=user, week=monday, returned_at__isnull=True
        ).exists()


def hand_in_of(user, week):
    """``user``'s hand-in of ``week``, or None when never handed in."""
    return WeekHandIn.objects.filter(user=user, week=week.monday).first()


def get_hand_in_for_manager(user_pk, week):
    """An employee's hand-in of ``week`` in the request's firm, else a 404."""
    return get_object_or_404(
        WeekHandIn.objects.select_related("user"), user_id=user_pk, week=week.monday
    )


@dataclass(frozen=True)
class HandInRow:
    user: object
    hand_in: object  # None: not handed in
    days_without_hours: tuple = ()


def week_hand_ins(week, now=None):
    """Every active employee with their hand-in of ``week`` and the week's days they
    have no hours of (``days_without_hours``, up to ``last_day_counted``): the same
    number of queries whatever the number of employees."""
    users = list(active_users())
    hand_ins = {
        h.user_id: h
        for h in WeekHandIn.objects.filter(week=week.monday).select_related("returned_by")
    }
    empty = days_without_hours(users, week.monday, min(week.sunday, last_day_counted(now)))
    return [HandInRow(user, hand_ins.get(user.pk), tuple(empty[user.pk])) for user in users]


# Days without hours and the reminders (worktime.reminders) -----------------------------


def days_without_hours(users, start, end):
    """{user id: [date]}: the working days (expected hours) from ``start`` to ``end`` on
    which the user logged no hours and has no approved absence. One query per kind of
    row (employee_days), whatever the number of users."""
    if end < start:
        return {user.pk: [] for user in users}
    days = employee_days(users, start, end, firm_rules())
    return {
        pk: [d.date for d in found if d.expected and not (d.worked or d.absence or d.time_off)]
        for pk, found in days.items()
    }


def last_day_counted(now=None):
    """The last day that counts as without hours when nothing is logged: today from
    EMPTY_DAY_FROM (16:00, when its reminder goes), else yesterday, so an employee is
    not listed for a day they are still working."""
    now = timezone.localtime(now)
    return now.date() if now.time() >= EMPTY_DAY_FROM else now.date() - ONE_DAY


def _not_handed_in(users, week):
    """Those of ``users`` whose ``week`` is not handed in: never, or sent back."""
    locked = WeekHandIn.objects.filter(week=week.monday, returned_at__isnull=True)
    locked = set(locked.values_list("user_id", flat=True))
    return [user for user in users if user.pk not in locked]


def hand_in_reminders_due(week):
    """The firm's active users (everyone hands in their own week) who had hours to
    work in ``week`` and have not handed it in, or had it sent back."""
    waiting = _not_handed_in(list(active_users()), week)
    days = employee_days(waiting, week.monday, week.sunday, firm_rules())
    return [user for user in waiting if any(day.expected for day in days[user.pk])]


def empty_day_reminders_due(day):
    """The firm's active users for whom ``day`` is a working day without hours or
    approved absence, in a week they have not handed in."""
    waiting = _not_handed_in(list(active_users()), Week.of(day))
    empty = days_without_hours(waiting, day, day)
    return [user for user in waiting if empty[user.pk]]

"""The payroll basis ("Lønnsgrunnlag"): per employee, what a period pays, as lines
with the firm's wage type codes (``WageTypes``) for the payroll system.

Only the days of weeks the employee has handed in ("Lever uke") and not had back
count, and only approved absence; the weeks not handed in are listed as missing.
Normal hours, overtime and the timebank come from the one calculation
(worktime.calculation), over whole ISO weeks so the weekly limit sees the days
before the period; absence is counted per type as the calculation covers it
(``selectors._absence_on``'s rule: at most the day's expected hours); driving comes
from timesheets.driving. A fixed number of queries, whatever the number of
employees.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import users_of_company
from timesheets import driving
from timesheets.selectors import Week

from .calculation import ZERO, Totals, per_day
from .models import (
    Absence,
    AbsenceKind,
    AbsenceStatus,
    AbsenceType,
    TimebankStart,
    WageTypes,
    WeekHandIn,
)
from .selectors import begin_of, employee_days, firm_rules

ONE_DAY = datetime.timedelta(days=1)
ONE_WEEK = datetime.timedelta(days=7)
# The longest period one basis covers: a year (a leap year's too).
LONGEST = datetime.timedelta(days=366)

HOURS, KM = "hours", "km"
# What a line is, for an employee's totals.
WORK, TIMEBANK, DRIVING, ABSENCE = "work", "timebank", "driving", "absence"


def firm_wage_types():
    """The firm's wage type codes, or the defaults when it never changed them."""
    return WageTypes.objects.first() or WageTypes()


def unit_label(unit):
    return {HOURS: _("hours"), KM: _("km")}[unit]


@dataclass(frozen=True)
class Line:
    """One line of an employee's basis: a wage type and its quantity."""

    code: str
    text: str
    quantity: Decimal  # hours, or km for driving
    group: str = WORK
    unit: str = HOURS
    days: Decimal | None = None  # absence: the whole days of it
    paid: bool | None = None  # absence: whether it is paid

    @property
    def unit_label(self):
        return unit_label(self.unit)


@dataclass
class EmployeeBasis:
    user: object
    lines: list = field(default_factory=list)
    missing: list = field(default_factory=list)  # [Week] not handed in

    def _sum(self, group):
        return sum((line.quantity for line in self.lines if line.group == group), ZERO)

    @property
    def worked(self):
        """Normal hours and overtime."""
        return self._sum(WORK)

    @property
    def absence(self):
        return self._sum(ABSENCE)

    @property
    def km(self):
        return self._sum(DRIVING)


@dataclass
class Basis:
    start: datetime.date
    end: datetime.date
    employees: list  # [EmployeeBasis], by name

    @property
    def missing(self):
        return [employee for employee in self.employees if employee.missing]


def _mondays(first, last):
    monday = first
    while monday <= last:
        yield monday
        monday += ONE_WEEK


def _absence_hours(absences, day):
    """[(absence, hours)] of ``day`` as the calculation covers them: each absence its
    hours (whole days: the expected ones), together at most the expected hours, the
    avspasering after the rest."""
    found = []
    left = day.expected
    covering = [a for a in absences if a.start <= day.date <= a.end]
    covering.sort(key=lambda a: a.kind == AbsenceKind.TIME_OFF)
    for absence in covering:
        hours = min(left, day.expected if absence.whole_days else absence.hours)
        if hours > 0:
            found.append((absence, hours))
            left -= hours
    return found


class _Lines:
    """The wage types' lines of one employee, built in the order they are listed."""

    def __init__(self, wage_types, rules, own_types):
        self.wage_types = wage_types
        self.rules = rules
        self.own_types = own_types

    def work(self, totals, deposit, withdrawal, km):
        codes = self.wage_types
        lines = [Line(codes.normal, _("Normal hours"), totals.normal)]
        for percent, hours in totals.overtime_bands():
            first = percent == self.rules.overtime_percent
            code = codes.overtime if first else codes.overtime_second
            lines.append(Line(code, _("Overtime %(percent)s %%") % {"percent": percent}, hours))
        lines.append(Line(codes.timebank_deposit, _("Timebank deposit"), deposit, TIMEBANK))
        lines.append(
            Line(codes.timebank_withdrawal, _("Timebank withdrawal"), withdrawal, TIMEBANK)
        )
        lines.append(Line(codes.driving, _("Driving"), km, DRIVING, unit=KM))
        return [line for line in lines if line.quantity]

    def absence(self, counted):
        """``counted``: {(kind, own type id or None): [hours, whole days]}."""
        order = list(AbsenceKind.values)
        lines = []
        keys = sorted(
            counted,
            key=lambda key: (
                key[1] is not None,
                order.index(key[0]),
                self.own_types[key[1]].name.lower() if key[1] else "",
            ),
        )
        for kind, own in keys:
            hours, days = counted[kind, own]
            if own is None:
                code, text = getattr(self.wage_types, kind), AbsenceKind(kind).label
            else:
                code, text = self.wage_types.code_of(self.own_types[own]), self.own_types[own].name
            paid = kind != AbsenceKind.UNPAID_LEAVE
            lines.append(Line(code, str(text), hours, ABSENCE, days=days, paid=paid))
        return lines


def payroll_basis(start, end, today=None):
    """The payroll basis of the firm's employees from ``start`` to ``end``: the active
    ones, and anyone else with a week handed in in the period."""
    today = today or timezone.localdate()
    first = start - datetime.timedelta(days=start.weekday())
    last = end + datetime.timedelta(days=6 - end.weekday())
    handed_in = set(
        WeekHandIn.objects.filter(week__range=(first, last), returned_at__isnull=True).values_list(
            "user", "week"
        )
    )
    with_weeks = {user for user, _week in handed_in}
    users = list(users_of_company().filter(Q(is_active=True) | Q(pk__in=with_weeks)))
    users.sort(key=lambda user: (user.name.lower(), user.pk))
    if not users:
        return Basis(start, end, [])
    rules = firm_rules()
    starts = {s.user_id: s for s in TimebankStart.objects.filter(user__in=users)}
    begins = {user.pk: begin_of(user, starts.get(user.pk)) for user in users}
    days = employee_days(users, first, last, rules, begins)
    ids = [user.pk for user in users]
    absences = defaultdict(list)
    approved = Absence.objects.filter(
        user__in=ids, status=AbsenceStatus.APPROVED, start__lte=end, end__gte=start
    )
    for absence in approved:
        absences[absence.user_id].append(absence)
    km = driving.km_by_day(ids, start, end)
    lines = _Lines(firm_wage_types(), rules, {t.pk: t for t in AbsenceType.objects.all()})
    employees = []
    for user in users:
        counted = {
            date
            for date in _dates(start, end)
            if (user.pk, date - datetime.timedelta(days=date.weekday())) in handed_in
        }
        results = per_day(days[user.pk], rules.as_rules())
        employee = EmployeeBasis(user)
        employee.missing = [
            Week.of(monday)
            for monday in _mondays(first, last)
            if user.is_active
            and monday <= today
            and monday + 6 * ONE_DAY >= begins[user.pk]
            and (user.pk, monday) not in handed_in
        ]
        employee.lines = _employee_lines(
            lines, results, days[user.pk], absences[user.pk], km, user, counted
        )
        if employee.lines or employee.missing:
            employees.append(employee)
    return Basis(start, end, employees)


def _dates(start, end):
    date = start
    while date <= end:
        yield date
        date += ONE_DAY


def _employee_lines(lines, results, days, absences, km, user, counted):
    """The lines of one employee's ``counted`` days."""
    totals = Totals()
    deposit = withdrawal = driven = ZERO
    absence = defaultdict(lambda: [ZERO, ZERO])
    for day in days:
        if day.date not in counted:
            continue
        result = results[day.date]
        totals.add(result)
        deposit += max(result.timebank, ZERO)
        withdrawal += max(-result.timebank, ZERO)
        driven += km.get((user.pk, day.date), ZERO)
        for found, hours in _absence_hours(absences, day):
            counts = absence[found.kind, found.custom_type_id]
            counts[0] += hours
            if found.whole_days:
                counts[1] += 1
    return lines.work(totals, deposit, withdrawal, driven) + lines.absence(absence)

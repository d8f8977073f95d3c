"""The one calculation of working time: days in, totals out.

Everything Svenn says about normal hours, overtime and the timebank ("Mine timer", the
firm's list of balances, later the payroll basis) comes from ``calculate``. It knows
no database: the selectors build the days from the schedule, the calendar, the
entries and the absence, and the tests read like a pay slip.

The rules (docs/architecture.md, "Working time"):

- Overtime is what a day has beyond the firm's daily limit (default 9 h), and what a
  week has beyond its weekly limit (default 40 h) of the hours that were not already
  overtime by the day (arbeidsmiljøloven § 10-6). A week is an ISO week, so the
  weekly limit counts the days of a week that crosses a year together, and the
  overtime falls on the day the limit is passed.
- Overtime is at the first band's supplement (default 50 %), unless the firm has a
  second band and the hours are in it: overtime on a Sunday or a day off, or
  overtime after a given hour of the day (the day's last hours are its overtime, so
  the second band takes the overtime hours worked after that hour).
- Hours up to the limits are normal hours, also beyond the day's expected hours (a
  part-time employee's extra hours are paid as normal hours, "merarbeid").
- Avspasering is paid as normal hours from the timebank: for an employee on
  fleksitid its hours are simply not covered, for one without they are drawn.
- An employee on fleksitid has no overtime: the day's worked hours and covered
  absence minus its expected hours go into the timebank (a short day draws from
  it), and the normal hours are the ones the bank did not take or give: the
  expected hours not covered by absence, as the salary pays them.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal("0")

SUNDAYS_AND_DAYS_OFF = "sundays_days_off"
AFTER_HOUR = "after_hour"


@dataclass(frozen=True)
class Rules:
    """A firm's overtime rules (worktime.models.OvertimeRules holds them)."""

    daily_limit: Decimal = Decimal("9")
    weekly_limit: Decimal = Decimal("40")
    overtime_percent: int = 50
    second_band: str = ""  # "", SUNDAYS_AND_DAYS_OFF or AFTER_HOUR
    second_band_percent: int = 100


@dataclass(frozen=True)
class Day:
    """One day of one employee, as the calculation needs it."""

    date: datetime.date
    expected: Decimal = ZERO  # the schedule's hours; none on a holiday or day off
    worked: Decimal = ZERO  # the day's entries
    absence: Decimal = ZERO  # approved absence covering expected hours
    time_off: Decimal = ZERO  # approved avspasering: paid from the timebank
    day_off: bool = False  # a public holiday or one of the firm's days off
    flex: bool = False  # fleksitid: extra hours into the timebank
    worked_after: Decimal = ZERO  # of ``worked``, hours after the second band's hour


@dataclass
class Totals:
    expected: Decimal = ZERO
    worked: Decimal = ZERO
    absence: Decimal = ZERO
    normal: Decimal = ZERO
    overtime: dict = field(default_factory=dict)  # supplement percent -> hours
    timebank: Decimal = ZERO  # the change of the timebank balance

    def add(self, other):
        self.expected += other.expected
        self.worked += other.worked
        self.absence += other.absence
        self.normal += other.normal
        self.timebank += other.timebank
        for percent, hours in other.overtime.items():
            self.overtime[percent] = self.overtime.get(percent, ZERO) + hours
        return self

    @property
    def overtime_total(self):
        return sum(self.overtime.values(), ZERO)

    def overtime_bands(self):
        """(percent, hours) from the lowest supplement up, only bands with hours."""
        return sorted((p, h) for p, h in self.overtime.items() if h)


def per_day(days, rules):
    """{date: Totals} for each of ``days`` (any order, one employee)."""
    results = {}
    straight_in_week = defaultdict(lambda: ZERO)
    for day in sorted(days, key=lambda d: d.date):
        result = Totals(expected=day.expected, worked=day.worked, absence=day.absence)
        if day.flex:
            result.timebank = day.worked + day.absence - day.expected
            result.normal = day.worked - result.timebank
        elif day.time_off:
            result.timebank = -day.time_off
            result.normal = day.time_off + _straight(result, day, rules, straight_in_week)
        else:
            result.normal = _straight(result, day, rules, straight_in_week)
        results[day.date] = result
    return results


def _straight(result, day, rules, straight_in_week):
    """The day's worked hours up to the day's and the week's limits; the rest is
    overtime, put into its bands on ``result``."""
    week = day.date.isocalendar()[:2]
    by_day = max(day.worked - rules.daily_limit, ZERO)
    straight = day.worked - by_day
    by_week = min(straight, max(straight_in_week[week] + straight - rules.weekly_limit, ZERO))
    straight_in_week[week] += straight - by_week
    _bands(result, day, by_day + by_week, rules)
    return straight - by_week


def _bands(result, day, overtime, rules):
    if not overtime:
        return
    second = ZERO
    if rules.second_band == SUNDAYS_AND_DAYS_OFF and (day.day_off or day.date.weekday() == 6):
        second = overtime
    elif rules.second_band == AFTER_HOUR:
        second = min(overtime, day.worked_after)
    if overtime - second:
        result.overtime[rules.overtime_percent] = overtime - second
    if second:
        result.overtime[rules.second_band_percent] = (
            result.overtime.get(rules.second_band_percent, ZERO) + second
        )


def between(results, start=None, end=None):
    """The sum of ``per_day``'s results from ``start`` to ``end`` (both included)."""
    totals = Totals()
    for date, result in results.items():
        if (start is None or date >= start) and (end is None or date <= end):
            totals.add(result)
    return totals


def calculate(days, rules, *, start=None, end=None):
    """The totals of the days from ``start`` to ``end`` (both included; None: all).

    Give the whole ISO weeks around them: the weekly limit counts the days of the week
    before ``start`` too."""
    return between(per_day(days, rules), start, end)

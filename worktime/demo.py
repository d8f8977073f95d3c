"""Demo working time (``manage.py demo``, after timesheets.demo): a part-time employee
on fleksitid, timebank starts, Christmas Eve as the firm's day off, some absence, a
long day of overtime, and the weeks handed in up to last week, which the employee has
still to hand in ("Lever uke"), so the payroll basis has something and someone
missing."""

import datetime
from decimal import Decimal

from django.utils import timezone

from timesheets.models import TimeEntry

from .models import (
    Absence,
    AbsenceKind,
    AbsenceStatus,
    DayOff,
    TimebankStart,
    WeekHandIn,
    WorkSchedule,
)

WEEKS = 6  # as far back as timesheets.demo's hours


def load(firms):
    """Once per demo firm: nothing is added when it has any schedule."""
    firm = firms["demo"]
    company, users = firm["company"], firm["users"]
    if WorkSchedule.objects.filter(company=company).exists():
        return
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    start = monday - datetime.timedelta(weeks=WEEKS - 1)
    admin, employee, part_time = (
        users["admin@demo.no"],
        users["ansatt@demo.no"],
        users["ansatt2@demo.no"],
    )
    # Written as the past would have: the forward rule is the form's and the service's.
    WorkSchedule.objects.create(
        company=company, user=part_time, valid_from=start, position_percent=Decimal("60"),
        thursday=0, friday=0, flex=True, created_by=admin,
    )  # fmt: skip
    for user in users.values():
        TimebankStart.objects.create(company=company, user=user, date=start, balance=0)
    DayOff.objects.get_or_create(
        company=company, date=datetime.date(today.year, 12, 24), defaults={"name": "Julaften"}
    )
    last_tuesday = monday - datetime.timedelta(days=6)
    # The evening's urgent job is on the day's own project: it is also the entry the
    # employee logged last, which "Før timer" starts from.
    that_day = TimeEntry.objects.filter(user=employee, date=last_tuesday).exclude(project=None)
    job = that_day.select_related("project").first()
    TimeEntry.objects.create(
        company=company, user=employee, date=last_tuesday, hours=Decimal("3.5"),
        project=job and job.project, customer=job and job.project.customer,
        description="Hastejobb: lekkasje", created_by=employee, updated_by=employee,
    )  # fmt: skip
    holiday = monday + datetime.timedelta(weeks=3)
    Absence.objects.create(
        company=company, user=employee, kind=AbsenceKind.HOLIDAY, start=holiday,
        end=holiday + datetime.timedelta(days=4), status=AbsenceStatus.APPROVED,
        decided_by=admin, decided_at=timezone.now(),
    )  # fmt: skip
    Absence.objects.create(
        company=company, user=part_time, kind=AbsenceKind.SELF_CERTIFIED,
        start=monday + datetime.timedelta(weeks=1), end=monday + datetime.timedelta(weeks=1),
        note="Forkjølet",
    )  # fmt: skip
    last_monday = monday - datetime.timedelta(weeks=1)
    WeekHandIn.objects.bulk_create(
        WeekHandIn(company=company, user=user, week=week)
        for user in users.values()
        for week in (start + datetime.timedelta(weeks=n) for n in range(WEEKS - 1))
        if not (user == employee and week == last_monday)
    )

"""Writes of working time: schedules, timebank start balances, the firm's overtime
rules and days off. Keyword-only, validated, one transaction each; only an
Administrator of the employee's firm may (accounts.permissions.WORKTIME_MANAGE)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import permissions as perms

from .models import DayOff, OvertimeRules, TimebankStart, WorkSchedule


def _check(by, company_id):
    if company_id != by.company_id or not by.has_perm(perms.WORKTIME_MANAGE):
        raise PermissionDenied


@transaction.atomic
def schedule_set(*, user, by, valid_from, **hours):
    """``user``'s schedule from ``valid_from`` on (this week or later): the position,
    each weekday's hours and fleksitid. A schedule that has not begun yet is replaced
    by one from the same day."""
    _check(by, user.company_id)
    schedule = (
        WorkSchedule.objects.select_for_update().filter(user=user, valid_from=valid_from).first()
    ) or WorkSchedule(company_id=user.company_id, user=user, valid_from=valid_from)
    for name, value in hours.items():
        setattr(schedule, name, value)
    schedule.created_by = by
    schedule.full_clean(exclude=["company", "user"])
    schedule.save()
    return schedule


@transaction.atomic
def timebank_start_set(*, user, by, date, balance):
    """The timebank counts from the start of ``date`` with ``balance`` hours."""
    _check(by, user.company_id)
    start = TimebankStart.objects.select_for_update().filter(user=user).first() or (
        TimebankStart(company_id=user.company_id, user=user)
    )
    start.date, start.balance = date, balance
    start.full_clean(exclude=["company", "user"])
    start.save()
    return start


@transaction.atomic
def rules_update(*, company, by, **values):
    _check(by, company.pk)
    rules = OvertimeRules.objects.select_for_update().first() or OvertimeRules(company=company)
    for name, value in values.items():
        setattr(rules, name, value)
    rules.full_clean(exclude=["company"])
    rules.save()
    return rules


@transaction.atomic
def day_off_create(*, company, by, date, name):
    _check(by, company.pk)
    if DayOff.objects.filter(date=date).exists():
        raise ValidationError({"date": _("This day is already a day off.")})
    day = DayOff(company=company, date=date, name=name.strip())
    day.full_clean(exclude=["company"])
    day.save()
    return day


@transaction.atomic
def day_off_delete(*, day_off, by):
    _check(by, day_off.company_id)
    day_off.delete()

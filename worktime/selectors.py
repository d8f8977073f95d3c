"""Reads of working time: schedules and the firm's rules."""

from django.shortcuts import get_object_or_404

from accounts.selectors import users_of_company

from .models import DEFAULT_SCHEDULE, OvertimeRules, TimebankStart, WorkSchedule


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

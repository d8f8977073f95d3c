"""Writes of working time: schedules, timebank start balances, the firm's overtime
rules and days off. Keyword-only, validated, one transaction each; only an
Administrator of the employee's firm may (accounts.permissions.WORKTIME_MANAGE)."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts import permissions as perms
from accounts.models import User
from core.templatetags.core import hours as number_format
from timesheets import services as entry_services
from timesheets.models import TimeEntry

from . import selectors
from .models import (
    Absence,
    AbsenceKind,
    AbsenceStatus,
    AbsenceType,
    DayOff,
    HolidayAllowance,
    OvertimeRules,
    TimebankStart,
    WageTypes,
    WeekHandIn,
    WorkSchedule,
)


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
def holiday_allowance_set(*, user, by, year, days, carried_over):
    """``user``'s holiday days for ``year`` and the days carried over into it."""
    _check(by, user.company_id)
    allowance = HolidayAllowance.objects.select_for_update().filter(user=user, year=year).first()
    allowance = allowance or HolidayAllowance(company_id=user.company_id, user=user, year=year)
    allowance.days, allowance.carried_over = days, carried_over
    allowance.full_clean(exclude=["company", "user"])
    allowance.save()
    return allowance


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


# The firm's own absence types ---------------------------------------------------


def _check_type_name(absence_type):
    """An active type's name is the firm's only active one, whatever its case."""
    if not absence_type.active:
        return
    same = AbsenceType.objects.filter(
        company_id=absence_type.company_id, active=True, name__iexact=absence_type.name
    ).exclude(pk=absence_type.pk)
    if same.exists():
        raise ValidationError({"name": _("The firm already has an active type of this name.")})


@transaction.atomic
def absence_type_create(*, company, by, name, paid, active=True):
    """A new absence type of the firm's own ("Velferdspermisjon", "Kurs")."""
    _check(by, company.pk)
    absence_type = AbsenceType(company=company, name=name.strip(), paid=paid, active=active)
    absence_type.full_clean(exclude=["company"])
    _check_type_name(absence_type)
    absence_type.save()
    return absence_type


@transaction.atomic
def absence_type_update(*, absence_type, by, name, paid, active):
    """Renames, deactivates or reactivates a type, or changes whether it is paid. Its
    absences follow the paid flag, so they count as the type now says."""
    _check(by, absence_type.company_id)
    absence_type = AbsenceType.objects.select_for_update().get(pk=absence_type.pk)
    absence_type.name, absence_type.paid, absence_type.active = name.strip(), paid, active
    absence_type.full_clean(exclude=["company"])
    _check_type_name(absence_type)
    absence_type.save()
    absence_type.absences.exclude(kind=absence_type.kind).update(kind=absence_type.kind)
    return absence_type


@transaction.atomic
def absence_type_delete(*, absence_type, by):
    """Deletes a type nobody has used; one in use can only be deactivated."""
    _check(by, absence_type.company_id)
    absence_type = AbsenceType.objects.select_for_update().get(pk=absence_type.pk)
    if Absence.objects.filter(custom_type=absence_type).exists():
        raise ValidationError(
            _("“%(name)s” is in use and cannot be deleted; deactivate it instead.")
            % {"name": absence_type.name}
        )
    absence_type.delete()


# Absence ("Fravær") ----------------------------------------------------------------

SELF_CERTIFIED_DAYS = {False: 3, True: 8}  # at a time; with an IA agreement 8
SELF_CERTIFIED_TIMES = 4  # in 12 months, without an IA agreement
SELF_CERTIFIED_IA_DAYS = 24  # in 12 months, with one
LONGEST_ABSENCE = datetime.timedelta(days=366)


def _date(day):
    return date_format(day, "SHORT_DATE_FORMAT")


@transaction.atomic
def absence_request(*, user, by, kind, start, end, hours=None, note="", custom_type=None):
    """``user`` asks for absence from ``start`` to ``end`` (whole days, or ``hours`` of
    each day), of a built-in ``kind`` or of one of the firm's own types (``custom_type``,
    which then decides the kind). A request that breaks a rule raises ValidationError
    saying which."""
    if by.pk != user.pk or not by.has_perm(perms.ABSENCE_REQUEST):
        raise PermissionDenied
    if custom_type is not None:
        if custom_type.company_id != user.company_id or not custom_type.active:
            raise ValidationError({"kind": _("Choose one of the types offered.")})
        kind = custom_type.kind
    absence = Absence(
        company_id=user.company_id, user=user, kind=kind, custom_type=custom_type, start=start,
        end=end, hours=hours, note=(note or "").strip(),
    )  # fmt: skip
    absence.full_clean(exclude=["company", "user"])
    if end - start > LONGEST_ABSENCE:
        raise ValidationError({"end": _("Ask for at most a year at a time.")})
    _lock_days(absence)
    # One request at a time per employee, so two cannot both take the last days.
    User.objects.select_for_update().filter(pk=user.pk).first()
    _check_overlaps(absence)
    every_day = selectors.absence_days(user, start, end)
    days = [d for d in every_day if d.expected]
    if not days:
        raise ValidationError({"start": _("There are no working days in this period.")})
    if not absence.whole_days:
        _check_hours_leave_room(absence, every_day)
    rules = selectors.firm_rules()
    if kind == AbsenceKind.HOLIDAY:
        _check_holiday(absence, days)
    elif kind == AbsenceKind.SELF_CERTIFIED:
        _check_self_certified(absence, rules)
    elif kind == AbsenceKind.TIME_OFF and not rules.allow_negative_timebank:
        _check_timebank(absence, days)
    absence.save()
    return absence


def _check_overlaps(absence):
    other = Absence.objects.standing().filter(user=absence.user)
    clash = other.overlapping(absence.start, absence.end).first()
    if clash is not None:
        raise ValidationError(
            {
                "start": _("You already have %(kind)s from %(start)s to %(end)s.")
                % {
                    "kind": clash.type_name.lower(),
                    "start": _date(clash.start),
                    "end": _date(clash.end),
                }  # fmt: skip
            }
        )
    if absence.whole_days:
        logged = (
            TimeEntry.objects.alive()
            .filter(user=absence.user, date__range=(absence.start, absence.end))
            .order_by("date")
            .first()
        )
        if logged is not None:
            raise ValidationError(
                {"start": _("You have logged hours on %(date)s.") % {"date": _date(logged.date)}}
            )


def _lock_days(absence):
    """An entry being saved on one of the days meanwhile is saved before, and counted,
    or refused after (timesheets' lock of a user's day, as ``week_hand_in`` takes).
    Taken before the lock on the user's row, as an entry's save takes the day before
    its insert touches that row (its key), so the two never wait on each other."""
    day = absence.start
    while day <= absence.end:
        entry_services.lock_day(absence.user, day)
        day += datetime.timedelta(days=1)


def _check_hours_leave_room(absence, days):
    """Some hours of each day: on a working day at most the hours expected of it, and
    with the hours logged on a day at most 24."""
    for day in days:
        if day.expected and absence.hours > day.expected:
            raise ValidationError(
                {
                    "hours": _(
                        "On %(date)s you are expected to work %(expected)s h; "
                        "ask for at most that, or for the whole day."
                    )
                    % {"date": _date(day.date), "expected": number_format(day.expected)}
                }
            )
        if day.worked + absence.hours > entry_services.MAX_HOURS:
            raise ValidationError(
                {
                    "hours": _(
                        "You have logged %(logged)s h on %(date)s; with %(hours)s h of "
                        "absence that day passes 24 hours."
                    )
                    % {
                        "logged": number_format(day.worked),
                        "date": _date(day.date),
                        "hours": number_format(absence.hours),
                    }
                }
            )


def absence_day_check(*, user, day, hours, new):
    """The check timesheets makes on a day's hours (timesheets.services.register_day_check):
    no hours logged on a day of whole-day absence asked for or approved, and the hours
    logged and of absence on a day at most 24 together."""
    for absence in selectors.absences_on(user, day):
        kind = absence.type_name.lower()
        if absence.whole_days and new:
            if absence.status == AbsenceStatus.APPROVED:
                message = _("You have %(kind)s on this day.") % {"kind": kind}
            else:
                message = _("You have asked for %(kind)s on this day.") % {"kind": kind}
            raise ValidationError({"date": message})
        if not absence.whole_days and hours + absence.hours > entry_services.MAX_HOURS:
            raise ValidationError(
                {
                    "hours": _(
                        "With %(absence)s h of %(kind)s this day has %(total)s hours, "
                        "and a day has at most 24."
                    )
                    % {
                        "absence": number_format(absence.hours),
                        "kind": kind,
                        "total": number_format(hours + absence.hours),
                    }
                }
            )


def _check_holiday(absence, days):
    for year in sorted({day.date.year for day in days}):
        asked = Decimal(sum(1 for day in days if day.date.year == year))
        left = selectors.holiday_balance(absence.user, year).left
        if asked > left:
            raise ValidationError(
                {
                    "end": _(
                        "You have %(left)s holiday days left in %(year)s; this asks for %(asked)s."
                    )
                    % {"left": number_format(left), "year": year, "asked": asked}
                }
            )


def _check_self_certified(absence, rules):
    at_a_time = SELF_CERTIFIED_DAYS[rules.ia_agreement]
    length = (absence.end - absence.start).days + 1
    if length > at_a_time:
        raise ValidationError(
            {"end": _("Egenmelding is for at most %(days)s days at a time.") % {"days": at_a_time}}
        )
    earlier = selectors.self_certified_in_year(absence.user, absence.end)
    if rules.ia_agreement and sum(earlier.values()) + length > SELF_CERTIFIED_IA_DAYS:
        raise ValidationError(
            {
                "start": _("Egenmelding is for at most %(days)s days in 12 months.")
                % {"days": SELF_CERTIFIED_IA_DAYS}
            }  # fmt: skip
        )
    if not rules.ia_agreement and len(earlier) + 1 > SELF_CERTIFIED_TIMES:
        raise ValidationError(
            {
                "start": _("Egenmelding is for at most %(times)s times in 12 months.")
                % {"times": SELF_CERTIFIED_TIMES}
            }  # fmt: skip
        )


def _check_timebank(absence, days):
    needed = sum(
        (day.expected if absence.whole_days else min(absence.hours, day.expected) for day in days),
        Decimal(0),
    )
    available = selectors.timebank_available(absence.user)
    if needed > available:
        raise ValidationError(
            {
                "end": _("Your timebank has %(available)s h; this avspasering needs %(needed)s h.")
                % {"available": number_format(available), "needed": number_format(needed)}
            }
        )


@transaction.atomic
def absence_withdraw(*, absence, by):
    """The employee takes back a request that is not decided yet."""
    absence = Absence.objects.select_for_update().get(pk=absence.pk)
    if absence.user_id != by.pk:
        raise PermissionDenied
    if absence.status != AbsenceStatus.REQUESTED:
        raise ValidationError(_("Only a request that is not decided yet can be withdrawn."))
    absence.status = AbsenceStatus.WITHDRAWN
    absence.save(update_fields=["status"])
    return absence


@transaction.atomic
def absence_decide(*, absence, by, approve, comment=""):
    """A manager approves or rejects (with a comment) a request."""
    absence = Absence.objects.select_for_update().get(pk=absence.pk)
    if absence.company_id != by.company_id or not by.has_perm(perms.ABSENCE_APPROVE):
        raise PermissionDenied
    if absence.user_id == by.pk and not by.has_perm(perms.HOURS_APPROVE_OWN):
        raise ValidationError(_("Someone else decides your own absence."))
    if absence.status != AbsenceStatus.REQUESTED:
        raise ValidationError(_("This request has been decided or withdrawn already."))
    comment = (comment or "").strip()
    if not approve and not comment:
        raise ValidationError({"comment": _("Say why the request is rejected.")})
    absence.status = AbsenceStatus.APPROVED if approve else AbsenceStatus.REJECTED
    absence.decided_by, absence.decided_at, absence.comment = by, timezone.now(), comment
    absence.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    return absence


# "Lever uke" -----------------------------------------------------------------------


def week_lock(user, day):
    """The lock timesheets asks about (timesheets.services.register_day_lock): the
    message when ``day`` is in a week ``user`` has handed in and not had back."""
    if selectors.week_handed_in(user, day):
        return _(
            "This week is handed in and can no longer be changed. Ask a manager to send it back."
        )
    return None


def check_week_begun(week):
    """Only a week that has begun can be handed in (the form asks this too)."""
    if week.monday > timezone.localdate():
        raise ValidationError(_("A week that has not begun yet cannot be handed in."))


@transaction.atomic
def week_hand_in(*, user, by, week):
    """``user`` hands in ``week`` (a timesheets Week): its entries are locked for them.
    Handing in a week handed in already changes nothing."""
    if by != user or not by.has_perm(perms.WEEK_HAND_IN):
        raise PermissionDenied
    check_week_begun(week)
    # An entry being saved in the week meanwhile is saved before, or refused after.
    for day in week.days:
        entry_services.lock_day(user, day)
    hand_in, created = WeekHandIn.objects.select_for_update().get_or_create(
        company_id=user.company_id, user=user, week=week.monday
    )
    if not created and hand_in.returned_at is not None:
        hand_in.handed_in_at, hand_in.returned_at, hand_in.returned_by = timezone.now(), None, None
        hand_in.save(update_fields=["handed_in_at", "returned_at", "returned_by"])
    return hand_in


@transaction.atomic
def week_send_back(*, hand_in, by, comment):
    """ "Send tilbake": the week is open to its employee again, with why."""
    hand_in = WeekHandIn.objects.select_for_update().get(pk=hand_in.pk)
    if hand_in.company_id != by.company_id or not by.has_perm(perms.WEEK_SEND_BACK):
        raise PermissionDenied
    if hand_in.user_id == by.pk and not by.has_perm(perms.HOURS_APPROVE_OWN):
        raise ValidationError(_("Someone else sends your own week back."))
    if hand_in.returned_at is not None:
        raise ValidationError(_("This week has been sent back already."))
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say why the week is sent back.")})
    hand_in.returned_at, hand_in.returned_by, hand_in.comment = timezone.now(), by, comment
    hand_in.save(update_fields=["returned_at", "returned_by", "comment"])
    return hand_in


# "Lønnsarter" ----------------------------------------------------------------------


@transaction.atomic
def wage_types_update(*, company, by, own_codes=None, **codes):
    """The firm's wage type codes, and ``own_codes`` ({absence type: code}) of its own
    absence types."""
    if company.pk != by.company_id or not by.has_perm(perms.PAYROLL):
        raise PermissionDenied
    wage_types = WageTypes.objects.select_for_update().first() or WageTypes(company=company)
    for name, value in codes.items():
        setattr(wage_types, name, value)
    wage_types.full_clean(exclude=["company"])
    wage_types.save()
    for absence_type, code in (own_codes or {}).items():
        if absence_type.company_id != company.pk:
            raise PermissionDenied
        absence_type.wage_code = code
        absence_type.full_clean(exclude=["company"], validate_constraints=False)
        absence_type.save(update_fields=["wage_code"])
    return wage_types

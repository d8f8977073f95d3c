"""Writes of time entries: log, change, delete, approve, reopen; and the timer
("Tidtaker") that makes one."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions as perms
from core.models import violates
from core.pages import CONFLICT
from projects.selectors import pickable_customers, pickable_projects

from .models import TimeEntry, Timer

MAX_HOURS = Decimal("24")
# A day longer than this is asked about once before it is saved (the form's question).
LONG_DAY = Decimal("12")
HUNDREDTH = Decimal("0.01")


class EntryLocked(PermissionDenied):
    """The user may not change the entry as it is: approved (and the user may not change
    approved entries), in a week its owner handed in, or invoiced (nobody may). Its
    message is written for the user: the 403 page says it instead of the role message
    (``user_message``, core.views.permission_denied)."""

    @property
    def user_message(self):
        return str(self.args[0]) if self.args and self.args[0] else None


INVOICED = gettext_lazy("This entry is invoiced and can no longer be changed.")

# Locks an app above keeps on a user's own days, as worktime's handed-in weeks ("Lever
# uke"): ``lock(user, day) -> message or None``, registered in its AppConfig.ready(),
# since timesheets may not import it. Read by ``entry_lock`` beside the invoiced lock.
_DAY_LOCKS = []


def register_day_lock(lock):
    _DAY_LOCKS.append(lock)


def day_lock(user, day):
    """Why ``user`` may not log or change their own hours of ``day``, or None."""
    return next((message for lock in _DAY_LOCKS if (message := lock(user, day))), None)


def entry_lock(entry, by=None):
    """Why ``entry`` is locked for ``by`` (for anyone when None, as the Django admin),
    or None: invoiced for everyone; in a handed-in week for its owner."""
    if entry.is_invoiced:
        return str(INVOICED)
    if by is None or by.pk == entry.user_id:
        return day_lock(entry.user, entry.date)
    return None


# Checks an app above makes on the hours of a user's day, as worktime's absence ("Du
# har ferie denne dagen"): ``check(user=, day=, hours=, new=)`` raises ValidationError
# by field; ``hours`` are the day's with the entry, ``new`` whether the entry is new to
# the day (logged, or moved there). Registered in its AppConfig.ready(); read by
# ``check_day``.
_DAY_CHECKS = []


def register_day_check(check):
    _DAY_CHECKS.append(check)


def _check_day_open(user, day):
    if message := day_lock(user, day):
        raise ValidationError(message, code=CONFLICT)


def hours_from_times(*, start, end, break_minutes=None, day=None):
    """Hours worked from "Fra" to "Til" on ``day`` minus "Pause" (minutes), to the
    hundredth. On the nights the clocks change they are as long as they really are
    (01:00–05:00 is 3 hours in March and 5 in October); without a day, by the clock."""
    if end <= start:
        raise ValidationError({"end_time": _("“To” must be after “From”.")})
    zone = timezone.get_default_timezone() if day else datetime.UTC
    begun, ended = (
        datetime.datetime.combine(day or datetime.date(2000, 1, 1), time, tzinfo=zone)
        for time in (start, end)
    )
    seconds = ended.astimezone(datetime.UTC) - begun.astimezone(datetime.UTC)
    minutes = int(seconds.total_seconds()) // 60 - (break_minutes or 0)
    if minutes <= 0:
        raise ValidationError({"break_minutes": _("The break is longer than the time worked.")})
    return (Decimal(minutes) / 60).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def validate_hours(hours):
    if hours is None or hours <= 0:
        raise ValidationError({"hours": _("Enter more than 0 hours.")})
    if hours > MAX_HOURS:
        raise ValidationError({"hours": _("A day has at most 24 hours.")})


def day_too_long(total):
    return _(
        "With the other entries of that day this makes %(hours)s hours, and a day has at most 24."
    ) % {"hours": number_format(total.normalize(), use_l10n=True)}


def check_day(*, user, fields, current=None):
    """The day's entries, this one with them, add up to at most 24 hours, and pass the
    checks registered for the day (``register_day_check``)."""
    total = TimeEntry.objects.day_hours(user, fields["date"], besides=current) + fields["hours"]
    if total > MAX_HOURS:
        raise ValidationError({"hours": day_too_long(total)})
    new = current is None or current.date != fields["date"]
    _check_day_registered(user, fields["date"], total, new=new)


def _check_day_registered(user, day, hours, *, new):
    for check in _DAY_CHECKS:
        check(user=user, day=day, hours=hours, new=new)


def _clean_fields(*, fields):
    """Hours from the times when given, and the project's customer when none is
    chosen. (That both are of the entry's firm is the model's rule, FirmModel.clean.)"""
    start, end = fields.get("start_time"), fields.get("end_time")
    if start and end:
        fields["hours"] = hours_from_times(
            start=start, end=end, break_minutes=fields.get("break_minutes"), day=fields.get("date")
        )
    else:
        fields["start_time"] = fields["end_time"] = fields["break_minutes"] = None
    validate_hours(fields["hours"])
    fields["hours"] = Decimal(fields["hours"]).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
    return _with_project_customer(fields)


def _with_project_customer(fields):
    """The project's customer when no customer is chosen (not a deleted one)."""
    project, customer = fields.get("project"), fields.get("customer")
    if project is not None and customer is None and project.customer_id:
        fields["customer"] = project.customer if project.customer.deleted_at is None else None
    return fields


def _check_pickable(*, by, fields, current=None):
    """The project and customer are ones ``by`` may pick when logging hours
    (projects.selectors), or the ones ``current`` already has: keeping a project
    finished since or a customer deleted since is not a new choice."""
    for name, pickable in (("project", pickable_projects), ("customer", pickable_customers)):
        obj = fields.get(name)
        if obj is None or (current is not None and getattr(current, f"{name}_id") == obj.pk):
            continue
        if not pickable(by).filter(pk=obj.pk).exists():
            raise ValidationError({name: _("Select a valid choice.")})


ENTRY_FIELDS = [
    "date",
    "hours",
    "start_time",
    "end_time",
    "break_minutes",
    "project",
    "customer",
    "description",
]


def _entry_fields(values):
    fields = {name: values.get(name) for name in ENTRY_FIELDS}
    fields["description"] = (fields["description"] or "").strip()
    return fields


def _billable(*, by, billable, fields, current=None):
    """Whether the entry is billed: as given by someone who sees prices; else the
    project's default ("Ikke fakturerbar" for internal projects and warranty work),
    kept on a change that keeps the project."""
    if billable is not None:
        if not by.has_perm(perms.PRICES):
            raise PermissionDenied
        return bool(billable)
    project = fields.get("project")
    if current is not None and current.project_id == (project.pk if project else None):
        return current.billable
    return project.billable if project is not None else True


@transaction.atomic
def entry_create(*, company, by, billable=None, **values):
    """Log hours for ``by`` (everyone logs their own hours)."""
    fields = _clean_fields(fields=_entry_fields(values))
    fields["billable"] = _billable(by=by, billable=billable, fields=fields)
    return _create(company=company, by=by, fields=fields)


def _create(*, company, by, fields):
    """Save ``by``'s new entry of ``fields`` (clean, with ``billable``)."""
    entry = TimeEntry(company=company, user=by, created_by=by, updated_by=by, **fields)
    _check_pickable(by=by, fields=fields)
    lock_day(by, fields["date"])
    _check_day_open(by, fields["date"])
    check_day(user=by, fields=fields)
    entry.clean_for_save(exclude=["user"])
    entry.save()
    return entry


def lock_day(user, day):
    """Writes to one user's day wait for each other, so two saves at once cannot both
    pass the 24-hour check, and a save and a hand-in of the week (worktime) cannot both
    pass theirs: a transaction-scoped advisory lock on (user, day), taken before the
    checks."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"entry-day:{user.pk}:{day}"]
        )


@dataclass(frozen=True)
class Copy:
    copied: int
    left: int  # on a project or customer the user may no longer pick


@transaction.atomic
def entries_copy(*, entries, by, days):
    """ "Kopier i går" / "Kopier forrige uke": ``by``'s ``entries`` again, ``days``
    later, not approved, billed as their source is: an entry a manager marked "Ikke
    fakturerbar" copies as not billable, whoever copies it. Those whose project or
    customer ``by`` may no longer pick (a project finished since) are left and counted;
    a day that would pass 24 hours copies nothing (ValidationError)."""
    copied = left = 0
    for entry in entries.filter(user=by).order_by("date", "id"):
        values = {name: getattr(entry, name) for name in ENTRY_FIELDS}
        values["date"] = entry.date + datetime.timedelta(days=days)
        try:
            _check_pickable(by=by, fields=values)
        except ValidationError:
            left += 1
            continue
        # Not through entry_create: its ``billable`` is for someone who sees prices,
        # and the copier (most often the employee) need not; the flag is the source's.
        fields = _clean_fields(fields=_entry_fields(values))
        fields["billable"] = entry.billable
        _create(company=by.company, by=by, fields=fields)
        copied += 1
    return Copy(copied=copied, left=left)


def can_change(user, entry):
    """The owner until approved or handed in; an Administrator until invoiced (GUIDE
    section 2)."""
    if entry_lock(entry, user):
        return False
    if user.has_perm(perms.HOURS_CHANGE_APPROVED):
        return True
    return entry.user_id == user.pk and not entry.is_approved


def _locked(entry):
    """The entry as saved, locked; one deleted since it was read is gone (a state the
    form shows as a message, not a crash)."""
    current = TimeEntry.objects.locked(entry.pk)
    if current.is_deleted:
        raise ValidationError(_("The entry has been deleted."))
    return current


def locked_message(user, entry):
    """Why the entry can no longer be changed by ``user``, for the form."""
    return entry_lock(entry, user) or _("This entry is approved and can no longer be changed.")


def state_refusal(user, entry):
    """Why ``user`` cannot change ``entry`` because of its state (approved, handed in,
    invoiced: a 409 that says so, keeping the form's input), or None when it was never
    theirs to change (a 403)."""
    if entry_lock(entry, user) or (entry.user_id == user.pk and entry.is_approved):
        return locked_message(user, entry)
    return None


def _check_can_change(user, entry):
    if not can_change(user, entry):
        if message := entry_lock(entry, user):
            raise EntryLocked(message)
        if entry.is_approved:
            raise EntryLocked(_("This entry is approved and can no longer be changed."))
        raise PermissionDenied


@transaction.atomic
def entry_update(*, entry, by, version, billable=None, **values):
    """Change an entry. ``version`` is the one the user read: a newer one means
    someone else saved in between, and this save is refused (StaleVersion)."""
    current = _locked(entry)
    lock_day(current.user, current.date)
    _check_can_change(by, current)
    current.check_version(version)
    fields = _clean_fields(fields=_entry_fields(values))
    fields["billable"] = _billable(by=by, billable=billable, fields=fields, current=current)
    _check_pickable(by=by, fields=fields, current=current)
    if fields["date"] != current.date:
        lock_day(current.user, fields["date"])
    if by.pk == current.user_id:
        _check_day_open(by, fields["date"])  # moved into a handed-in week
    check_day(user=current.user, fields=fields, current=current)
    for name, value in fields.items():
        setattr(current, name, value)
    current.clean_for_save(exclude=["user"])
    current.version += 1
    current.updated_by = by
    current.save()
    return current


@transaction.atomic
def entry_delete(*, entry, by):
    """Soft delete: the entry leaves the week, the overview, the totals and the
    exports; the row stays, with who deleted it and when."""
    current = TimeEntry.objects.locked(entry.pk)
    if current.is_deleted:
        return current  # deleted twice (a second tab): deleted all the same
    lock_day(current.user, current.date)
    _check_can_change(by, current)
    current.deleted_at = timezone.now()
    current.deleted_by = by
    current.version += 1
    current.save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])
    return current


def may_approve(user, entry):
    """Separation of duties: one's own hours only with HOURS_APPROVE_OWN."""
    return user.has_perm(perms.HOURS_APPROVE) and (
        entry.user_id != user.pk or user.has_perm(perms.HOURS_APPROVE_OWN)
    )


@dataclass(frozen=True)
class Approval:
    approved: int  # entries approved now
    own_left: int  # of by's own, left for someone else to approve


@transaction.atomic
def entries_approve(*, entries, by):
    """Approve the not yet approved ones of ``entries`` (a queryset of by's firm),
    but not by's own unless by may (``may_approve``): those are left open and
    counted, so the approver can be told."""
    if not by.has_perm(perms.HOURS_APPROVE):
        raise PermissionDenied
    entries = entries.alive().filter(company=by.company_id, approved_at__isnull=True)
    own_left = 0
    if not by.has_perm(perms.HOURS_APPROVE_OWN):
        own_left = entries.filter(user=by).count()
        entries = entries.exclude(user=by)
    approved = entries.update(
        approved_at=timezone.now(),
        approved_by=by,
        updated_at=timezone.now(),
        updated_by=by,
        version=F("version") + 1,
    )
    return Approval(approved=approved, own_left=own_left)


@transaction.atomic
def entry_reopen(*, entry, by):
    """Undo an approval so the owner can change the entry again (Administrator; one's
    own only with HOURS_APPROVE_OWN, as approving)."""
    if not (by.has_perm(perms.HOURS_CHANGE_APPROVED) and may_approve(by, entry)):
        raise PermissionDenied
    current = _locked(entry)
    if not current.is_approved:
        return current
    if current.is_invoiced:
        raise EntryLocked(str(INVOICED))
    current.approved_at = None
    current.approved_by = None
    current.version += 1
    current.updated_by = by
    current.save()
    return current


def entries_set_invoiced(*, ids, at):
    """Lock the entries ``ids`` in an invoice basis as of ``at``, or release them
    (``at`` None) when it is reopened; invoicing.services is the one caller and keeps
    the basis's rules. Locking takes only entries a basis may bill (approved, billable,
    not deleted, not invoiced) and returns how many it took: fewer than ``ids`` means
    the basis is not what the caller read."""
    entries = TimeEntry.objects.filter(pk__in=ids)
    if at is not None:
        entries = entries.alive().approved().filter(billable=True, invoiced_at__isnull=True)
    return entries.update(invoiced_at=at)


# The timer ("Tidtaker") -------------------------------------------------------

TIMER_RUNNING = gettext_lazy(
    "You already have a timer running. Stop or discard it before you start another."
)
TIMER_GONE = gettext_lazy("The timer has already been stopped.")
# Seconds of the steps a stopped timer's time is rounded to: the firm's 15 or 30
# minutes, else the hundredth of an hour the entries store (36 seconds).
_HUNDREDTH_SECONDS = 36


# A tap kept on a phone without a connection (static/js/offline-queue.js) is sent
# with how many milliseconds ago it was tapped (``TAPPED_FIELD``), counted by the phone
# from the tap to the send: the moment is the server's now less that, so a phone whose
# clock is set wrong still gives the right moment. A week covers any building site
# without a connection and a phone left in a drawer over a holiday; a tap older than
# that is more likely a wrong count than hours anyone remembers, and is refused.
TAPPED_FIELD = "tapped_ms_ago"
TAPPED_LIMIT = datetime.timedelta(days=7)


def tapped_at(age, now=None):
    """The moment of a tap sent ``age`` (the posted ``TAPPED_FIELD``: whole
    milliseconds, 0 or more) after it; ``now`` when the field is missing (a tap sent
    at once, online)."""
    now = now or timezone.now()
    if age is None:
        return now
    text = str(age).strip().lstrip("0") or "0"
    if not (text.isascii() and text.isdigit()):
        raise ValidationError(_("The time of the tap could not be read."), code="tapped")
    limit = TAPPED_LIMIT // datetime.timedelta(milliseconds=1)
    if len(text) > len(str(limit)) or int(text) > limit:
        raise ValidationError(
            _(
                "This was tapped more than %(days)s days ago, too long for its time to "
                "be trusted. Log the hours by hand."
            )
            % {"days": TAPPED_LIMIT.days},
            code="tapped",
        )
    return now - datetime.timedelta(milliseconds=int(text))


class TimerEnd:
    """How an overnight timer ends (the midnight rule): at midnight of its day, or now
    with the time as counted. Both log the hours on the day it was started."""

    MIDNIGHT = "midnight"
    NOW = "now"
    CHOICES = (MIDNIGHT, NOW)


def timer_hours(elapsed, rounding):
    """The hours of ``elapsed`` (a timedelta) rounded to the nearest step of
    ``rounding`` minutes (0: to the hundredth of an hour), half a step up, and at
    least one step: 7 minutes are a quarter of an hour, 22 min 30 s are half an hour
    when the firm rounds to 15 minutes."""
    step = Decimal(rounding * 60 if rounding else _HUNDREDTH_SECONDS)
    seconds = Decimal(elapsed // datetime.timedelta(microseconds=1)) / 1_000_000
    steps = max((seconds / step).quantize(Decimal(1), rounding=ROUND_HALF_UP), Decimal(1))
    return (steps * step / 3600).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def timer_day(timer):
    """The day (Europe/Oslo) the timer was started on: the day its hours are logged on."""
    return timezone.localdate(timer.started_at)


def timer_overnight(timer, now):
    """The midnight rule: a timer started before today (Europe/Oslo) is never stopped
    silently; its user chooses how it ends (``TimerEnd``) or discards it."""
    return timer_day(timer) < timezone.localdate(now)


def timer_midnight(timer):
    """24:00 of the timer's day, as a moment: on a day that changes to or from summer
    time that is 23 or 25 hours after its 00:00."""
    after = timer_day(timer) + datetime.timedelta(days=1)
    midnight = timezone.make_aware(datetime.datetime.combine(after, datetime.time.min))
    # In UTC: Python subtracts two times of one zone by their wall clocks.
    return midnight.astimezone(datetime.UTC)


def _timer_fields(*, by, project, customer):
    fields = _with_project_customer({"project": project, "customer": customer})
    if fields["project"] is None and fields["customer"] is None:
        raise ValidationError({"project": _("Choose a project or a customer for the timer.")})
    _check_pickable(by=by, fields=fields)
    return fields


def timer_running(user):
    return Timer.objects.filter(user=user).exists()


@transaction.atomic
def timer_start(*, company, by, project=None, customer=None, key=None, at=None):
    """Start ``by``'s timer on a project and/or customer they may pick, at ``at`` (the
    tap's moment, ``tapped_at``; now when None), named by ``key`` when the phone made
    one. One per user: a second is refused (ValidationError, code CONFLICT), and two
    starts at once meet the database's constraint, refused the same way."""
    fields = _timer_fields(by=by, project=project, customer=customer)
    now = at or timezone.now()
    _check_day_open(by, timezone.localdate(now))
    _check_day_registered(by, timezone.localdate(now), Decimal(0), new=True)  # a holiday
    if timer_running(by):
        raise ValidationError(TIMER_RUNNING, code=CONFLICT)
    timer = Timer(company=company, user=by, started_at=now, **fields)
    if key is not None:
        timer.key = key
    try:
        with transaction.atomic():
            timer.save()
    except IntegrityError as error:
        if violates(error, "timer_one_per_user") or violates(error, "timer_key_per_company"):
            raise ValidationError(TIMER_RUNNING, code=CONFLICT) from error
        raise
    return timer


def _own_timer(timer, by):
    """``by``'s timer as saved, locked, so two phones stopping it make one entry."""
    current = Timer.objects.select_for_update().filter(pk=timer.pk, user=by).first()
    if current is None:
        raise ValidationError(TIMER_GONE, code=CONFLICT)
    return current


@transaction.atomic
def timer_stop(*, timer, by, end=None, at=None):
    """Stop ``by``'s timer: its time until ``at`` (the tap's moment, ``tapped_at``;
    now when None), rounded as the firm chooses (``timer_hours``), becomes an entry on
    the day it was started, saved by ``entry_create`` with every rule of an entry (24
    hours a day, a handed-in or invoiced day, a project no longer to be picked);
    refused, the timer runs on. A timer from before the tap's day needs ``end``
    (``TimerEnd``): up to midnight of its day, or the time as counted.

    A tap before the start (a stop kept on the phone that arrives with a start whose
    own count reached the server a little late) counts from the start: its time is
    the least step, as a stop tapped at once. Refusing it would lose hours the
    employee did tap, for a difference of the network's milliseconds."""
    current = _own_timer(timer, by)
    now = max(at or timezone.now(), current.started_at)
    if timer_overnight(current, now):
        if end not in TimerEnd.CHOICES:
            raise ValidationError(
                _("The timer has been running since %(since)s. Choose how to stop it.")
                % {"since": timer_since(current)},
                code=CONFLICT,
            )
        if end == TimerEnd.MIDNIGHT:
            now = timer_midnight(current)
    hours = timer_hours(now - current.started_at, by.company.timer_rounding)
    entry = entry_create(
        company=current.company,
        by=by,
        date=timer_day(current),
        hours=hours,
        project=current.project,
        customer=current.customer,
    )
    current.delete()
    return entry


@transaction.atomic
def timer_discard(*, timer, by):
    """Throw ``by``'s timer away: no entry. Discarding one already gone is a no-op."""
    Timer.objects.filter(pk=timer.pk, user=by).delete()


def timer_since(timer):
    """When the timer started, as the messages say it ("01.12.2026 kl. 07:30")."""
    started = timezone.localtime(timer.started_at)
    return _("%(date)s at %(time)s") % {
        "date": date_format(started, "SHORT_DATE_FORMAT"),
        "time": date_format(started, "TIME_FORMAT"),
    }

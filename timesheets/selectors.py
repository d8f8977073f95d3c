"""Reads of time entries: a user's week, the overview, totals, and the hours of a
customer or a project (for their cards)."""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import BadRequest
from django.db.models import Count, Exists, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import permissions as perms
from core import history
from core.models import display_name
from core.validators import FIRST_DATE, LAST_DATE
from customers.models import Customer, CustomerHours
from projects.models import Project

from .models import (
    APPROVED,
    OPEN,
    SELF_APPROVED,
    DayTally,
    TimeEntry,
    TimeEntryEvent,
    Timer,
    TimerEvent,
)
from .services import ENTRY_FIELDS, timer_midnight, timer_overnight

ZERO = Decimal("0")


# Weeks ------------------------------------------------------------------------


_ISO_WEEK = re.compile(r"([0-9]{4})-W([0-9]{1,2})")


@dataclass(frozen=True)
class Week:
    """An ISO week: Monday first, numbered as in Norway. Weeks exist from the one of
    the first day the app knows to the one of its last (core.validators)."""

    monday: datetime.date

    @classmethod
    def of(cls, day):
        return cls(day - datetime.timedelta(days=day.weekday()))

    @classmethod
    def parse(cls, value, default):
        """``2026-W48`` (as in ?week=), or ``default``'s week when missing or malformed
        ("W60" too). A real week outside the app's years is a BadRequest (400): no
        link leads there, and no entry can be in it."""
        match = _ISO_WEEK.fullmatch((value or "").upper())
        try:
            week = cls(datetime.date.fromisocalendar(int(match[1]), int(match[2]), 1))
        except (TypeError, ValueError):
            return cls.of(default)
        if not week.in_range:
            raise BadRequest("No such week in the calendar of the app.")
        return week

    @property
    def in_range(self):
        # From its Monday alone: the Sunday of week 52 of 9999 is past Python's dates.
        return FIRST_DATE - datetime.timedelta(days=6) <= self.monday <= LAST_DATE

    @property
    def year(self):
        return self.monday.isocalendar().year

    @property
    def number(self):
        return self.monday.isocalendar().week

    @property
    def sunday(self):
        return self.monday + datetime.timedelta(days=6)

    @property
    def days(self):
        return [self.monday + datetime.timedelta(days=i) for i in range(7)]

    @property
    def previous(self):
        """The week before, or None before the first week."""
        week = Week(self.monday - datetime.timedelta(days=7))
        return week if week.in_range else None

    @property
    def next(self):
        """The week after, or None after the last week."""
        week = Week(self.monday + datetime.timedelta(days=7))
        return week if week.in_range else None

    def __str__(self):
        return f"{self.year}-W{self.number:02d}"


def today():
    return timezone.localdate()


# The related rows every list of entries shows.
NAMES = ("user", "project", "customer", "approved_by")


@dataclass(frozen=True, slots=True)
class EntryRow:
    """An entry as a row of "Timeoversikt" shows it (timesheets/rows.py), read as
    values: 50 entries built as models with their four names took twice as long to
    build as the query took to run. Its ``is_*`` are the entry's own
    (TimeEntry.is_approved ...)."""

    pk: int
    date: datetime.date
    hours: Decimal
    description: str
    user_id: int
    user_name: str
    approved_at: datetime.datetime | None
    approved_by_id: int | None
    approved_by_name: str | None
    invoiced_at: datetime.datetime | None
    customer: str  # the names as rows show them (display_name), "" without one
    project: str

    is_approved = TimeEntry.is_approved
    is_invoiced = TimeEntry.is_invoiced
    is_self_approved = TimeEntry.is_self_approved


# What entry_rows reads: EntryRow's fields as they are, then what its customer and
# project are named from.
_ROW_VALUES = (
    *("pk", "date", "hours", "description", "user_id", "user__name"),
    *("approved_at", "approved_by_id", "approved_by__name", "invoiced_at"),
    *("customer_id", "customer__name", "customer__deleted_at"),
    *("project_id", "project__number", "project__name", "project__deleted_at"),
)


def entry_rows(entries):
    """``entries`` as EntryRows, in their order."""
    rows = []
    for (
        *shown,
        customer_id,
        customer,
        customer_deleted,
        project_id,
        number,
        name,
        deleted,
    ) in entries.values_list(*_ROW_VALUES):
        rows.append(
            EntryRow(
                *shown,
                display_name(customer, customer_deleted) if customer_id else "",
                display_name(Project.label(number, name), deleted) if project_id else "",
            )
        )
    return rows


def entries_in_week(user, week):
    return TimeEntry.objects.alive().filter(user=user, date__range=(week.monday, week.sunday))


def week_entries(user, week):
    """``user``'s entries of ``week`` as the week page lists them."""
    return entries_in_week(user, week).select_related(*NAMES).order_by("date", "id")


def entries_by_ids(ids):
    """The entries with these ids; an id that is not a number (None) matches nothing."""
    return TimeEntry.objects.alive().filter(pk__in=[pk for pk in ids if pk is not None])


# "Før timer" offers this many of the user's latest projects as one-tap choices, found
# among the projects of their latest RECENT_ENTRIES entries (two months of a working day's
# three or four).
RECENT_PROJECTS = 4
RECENT_ENTRIES = 200


@dataclass(frozen=True)
class RecentProject:
    """One of a user's latest projects, as its one-tap button shows it."""

    pk: int
    name: str


@dataclass(frozen=True)
class LatestWork:
    """What a user's latest entries offer "Før timer": their latest projects the user
    may pick (RecentProject rows, latest first), and the project and the customer of
    the very last entry, the project only while the user may pick it."""

    projects: list
    project: int | None
    customer: int | None


def latest_work(user, projects):
    """LatestWork of ``user`` among ``projects`` (what the user may pick): two queries
    of a fixed size, however many entries the user has. The latest entries come newest
    first from their index (entry_user_latest); grouping all of a user's years by
    project cost twice as much."""
    latest = list(
        TimeEntry.objects.alive()
        .filter(user=user)
        .order_by("-created_at", "-id")
        .values_list("project_id", "customer_id")[:RECENT_ENTRIES]
    )
    order = list(dict.fromkeys(project for project, _customer in latest if project is not None))
    names = dict(projects.filter(pk__in=order).values_list("pk", "name"))
    last_project, last_customer = latest[0] if latest else (None, None)
    return LatestWork(
        projects=[RecentProject(pk, names[pk]) for pk in order if pk in names][:RECENT_PROJECTS],
        project=last_project if last_project in names else None,
        customer=last_customer,
    )


def recent_projects(user, projects):
    """Of ``projects``, the ones ``user`` logged hours on latest (``latest_work``)."""
    return latest_work(user, projects).projects


def day_entries(user, day):
    """``user``'s entries of ``day``, as the week lists them."""
    return TimeEntry.objects.alive().filter(user=user, date=day).order_by("id")


@dataclass
class Day:
    date: datetime.date
    entries: list
    total: Decimal

    @property
    def iso(self):
        """The date as the page's ids and addresses write it: 2026-03-05."""
        return self.date.isoformat()


def week_days(entries, week):
    """The seven days of ``week`` with their entries and totals."""
    by_day = {day: [] for day in week.days}
    for entry in entries:
        by_day[entry.date].append(entry)
    return [
        Day(date=day, entries=items, total=sum((e.hours for e in items), ZERO))
        for day, items in by_day.items()
    ]


# Access -----------------------------------------------------------------------


def visible_entries(user):
    """Everyone's entries for Administrator and Moderator, else one's own (deleted
    ones are nobody's: they are gone from the week, the overview and the exports)."""
    entries = TimeEntry.objects.alive()
    if user.has_perm(perms.HOURS_VIEW_ALL):
        return entries
    return entries.filter(user=user)


def exported_entries(user, filters):
    """What an export with the overview's ``filters`` holds: of the entries ``user`` may
    see, with names. The same in the request and in the export job, which runs later
    in a worker with the rights the user has then."""
    return filter_entries(visible_entries(user).select_related(*NAMES), **filters)


def get_entry_for_user(request, pk):
    """An entry the request user may see; anything else (another firm's, another
    employee's) is a 404."""
    return get_object_or_404(
        visible_entries(request.user).select_related("user", "project", "customer"), pk=pk
    )


# The timer ---------------------------------------------------------------------


@dataclass(frozen=True)
class RunningTimer:
    """The user's timer as the pages show it: since when, for how long so far, and
    whether the midnight rule asks how to stop it."""

    timer: Timer
    now: datetime.datetime

    @property
    def started_at(self):
        return self.timer.started_at

    @property
    def seconds(self):
        """Whole seconds so far, from which the page's script ticks the minutes on."""
        return max(int((self.now - self.timer.started_at).total_seconds()), 0)

    @property
    def minutes(self):
        return self.seconds // 60

    @property
    def elapsed(self):
        hours, minutes = divmod(self.minutes, 60)
        return {"hours": hours, "minutes": minutes}

    @property
    def overnight(self):
        return timer_overnight(self.timer, self.now)

    @property
    def midnight_seconds(self):
        """Seconds from its start to midnight of its day: what "Stopp ved midnatt" logs
        (the page's script shows it for a stop kept on the phone)."""
        return int((timer_midnight(self.timer) - self.timer.started_at).total_seconds())


def running_timer(request, *, names=False):
    """The request user's running timer (a RunningTimer) or None; asked once per
    request, however many parts of the page show it (the header, "Mine timer").

    ``names``: with its project and customer, for the pages whose timer card shows
    them; their view asks before the header does. The header of every other page only
    shows the time, and its query without the joins costs half as much."""
    if not hasattr(request, "_running_timer"):
        timers = Timer.objects.filter(user=request.user)
        if names:
            timers = timers.select_related("project", "customer")
        timer = timers.first()
        request._running_timer = timer and RunningTimer(timer, timezone.now())
    return request._running_timer


def get_timer_for_user(request, key):
    """The request user's own timer ``key`` (``Timer.key``). Anyone else's, another
    firm's, or one that never was is a 404; the user's own one stopped since (on
    another phone) is None, so the page can say so."""
    timer = Timer.objects.filter(user=request.user, key=key).first()
    if timer is None and not TimerEvent.objects.filter(user=request.user, key=key).exists():
        raise Http404
    return timer


def _shown(value):
    """An entry's value as the history shows it: 02.03.2026, 07:30, 7,5."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, Decimal):
        return f"{value.normalize():f}".replace(".", ",")
    return str(value)


def _entry_display(entry_steps):
    """``display(field, value)`` for these steps: projects and customers by name,
    each looked up once."""
    ids = {"project": set(), "customer": set()}
    for step in entry_steps:
        for values in (step.before, step.after):
            for name, found in ids.items():
                found.add((values or {}).get(name))
    names = {
        "project": {p.pk: str(p) for p in Project.objects.filter(pk__in=ids["project"])},
        "customer": {c.pk: str(c) for c in Customer.objects.filter(pk__in=ids["customer"])},
    }

    def display(name, value):
        if name in names:
            return names[name].get(value, "" if value is None else f"#{value}")
        return _shown(value)

    return display


def _describe_entry(display):
    def describe(step):
        approved = step.value("approved_at")
        was_approved = (step.before or {}).get("approved_at")
        if step.after is None:
            return history.Change(_("deleted")) if approved else None
        if approved and not was_approved:
            by = step.after["approved_by"]
            action = _("approved by themselves") if by == step.after["user"] else _("approved")
            return history.Change(action, at=approved, by=by)
        if was_approved and not approved:
            approver = history.user_names([step.before["approved_by"]]).get(
                step.before["approved_by"], ""
            )
            when = f"{timezone.localtime(was_approved):%d.%m.%Y %H:%M}"
            label = TimeEntry._meta.get_field("approved_at").verbose_name
            return history.Change(_("reopened"), [(label, f"{approver} {when}".strip(), "")])
        if approved:
            fields = history.diffs(step, _ENTRY_LABELS, display)
            return history.Change(_("changed after approval"), fields) if fields else None
        return None

    return describe


_ENTRY_LABELS = {name: TimeEntry._meta.get_field(name).verbose_name for name in ENTRY_FIELDS}


def entry_history(entry):
    """The approval trail of ``entry``, newest first: approved, changed after approval,
    reopened; each change with its fields as (label, old, new) in the reader's language."""
    names = [*ENTRY_FIELDS, "user", "approved_at", "approved_by"]
    entry_steps = history.steps(TimeEntryEvent.objects.filter(pgh_obj_id=entry.pk), names)
    return history.entries(entry_steps, _describe_entry(_entry_display(entry_steps)))


# Overview ---------------------------------------------------------------------


# The grouping of "Timeoversikt"'s totals: the entry's field whose rows (each with a
# name) the hours are summed per.
GROUPS = {"employee": "user", "customer": "customer", "project": "project"}


def filter_entries(
    entries,
    *,
    date_from=None,
    date_to=None,
    user=None,
    customer=None,
    project=None,
    approved=None,
    self_approved=False,
):
    if date_from:
        entries = entries.filter(date__gte=date_from)
    if date_to:
        entries = entries.filter(date__lte=date_to)
    if user:
        entries = entries.filter(user=user)
    if customer:
        entries = entries.filter(customer=customer)
    if project:
        entries = entries.filter(project=project)
    if approved is True:
        entries = entries.approved()
    elif approved is False:
        entries = entries.unapproved()
    if self_approved:
        entries = entries.self_approved()
    return entries


# The filters of ``filter_entries`` the days' tallies answer too.
TALLY_FILTERS = ("date_from", "date_to", "user", "approved", "self_approved")


def filter_tallies(
    tallies, *, date_from=None, date_to=None, user=None, approved=None, self_approved=False
):
    """``filter_entries`` for the days' tallies of the entries (DayTally)."""
    if date_from:
        tallies = tallies.filter(date__gte=date_from)
    if date_to:
        tallies = tallies.filter(date__lte=date_to)
    if user:
        tallies = tallies.filter(user=user)
    if approved is True:
        tallies = tallies.filter(approval__in=(APPROVED, SELF_APPROVED))
    elif approved is False:
        tallies = tallies.filter(approval=OPEN)
    if self_approved:
        tallies = tallies.filter(approval=SELF_APPROVED)
    return tallies


def group_totals(filters, group):
    """[{"key", "name", "deleted", "hours", "count"}] per employee / customer / project
    of the entries (not deleted) that ``filters`` (those of ``filter_entries``) take,
    biggest first, in one query. Every entry is in one group (those without a customer
    or project in the group without one), so the groups add up to all of them:
    ``all_of`` gives that sum without counting them again.

    Per employee and by no customer or project, they are summed from the days' tallies
    the database keeps (DayTally, a fifth as many rows for a firm's month); otherwise
    from the index ``entry_alive_period`` alone. The groups' names are looked up once
    per group, not joined to every row."""
    relation = TimeEntry._meta.get_field(GROUPS[group])
    key, related = relation.attname, relation.related_model
    if group == "employee" and not filters.get("customer") and not filters.get("project"):
        tallied = {name: value for name, value in filters.items() if name in TALLY_FILTERS}
        sums = (
            filter_tallies(DayTally.objects.all(), **tallied)
            .values(key)
            .annotate(total=Sum("hours"), count=Sum("entries"))
            .filter(count__gt=0)  # a day whose entries have all gone is kept as 0
        )
    else:
        sums = (
            filter_entries(TimeEntry.objects.alive(), **filters)
            .order_by()
            .values(key)
            # COUNT(*), not of the id: the index does not hold the id.
            .annotate(total=Sum("hours"), count=Count("*"))
        )
    # The base manager: a key of the firm's entries names a row of the firm.
    of_group = related._base_manager.filter(pk=OuterRef(key)).order_by()
    deleted = group in ("customer", "project")
    rows = sums.annotate(
        group_name=Subquery(of_group.values("name")),
        **({"deleted": Exists(of_group.filter(deleted_at__isnull=False))} if deleted else {}),
    ).order_by("-total", "group_name")
    return [
        {
            "key": row[key],
            "name": row["group_name"],
            "deleted": row.get("deleted", False),
            "hours": row["total"],
            "count": row["count"],
        }
        for row in rows
    ]


def all_of(totals):
    """The hours and the number of entries of all ``group_totals``' groups together."""
    return sum((row["hours"] for row in totals), ZERO), sum(row["count"] for row in totals)


# Cards ------------------------------------------------------------------------


def customer_hours(customer, *, on=None):
    """Total hours on ``customer``, as the database keeps them (customers.CustomerHours),
    and this month's, summed from the days of the month: one query, which reads the
    month's entries and not the customer's years of them."""
    on = on or today()
    first = on.replace(day=1)
    after = (first + datetime.timedelta(days=31)).replace(day=1)
    month = (
        TimeEntry.objects.alive()
        .filter(customer=OuterRef("pk"), date__gte=first, date__lt=after)
        .values("customer")
        .annotate(hours=Sum("hours"))
        .values("hours")
    )
    return (
        Customer.objects.filter(pk=customer.pk)
        .annotate(total=CustomerHours.of_row(), month=Coalesce(Subquery(month), ZERO))
        .values("total", "month")
        .get()
    )

"""Demo hours (``manage.py demo``, after customers.demo and projects.demo): six weeks
of working days for the demo firm's users, the older weeks approved, and a few
entries for the other firm."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from accounts import permissions as perms
from customers.models import Customer
from projects.selectors import pickable_projects

from .models import TimeEntry

WEEKS = 6
APPROVED_WEEKS = 3  # the oldest weeks are approved, the recent ones wait
TASKS = [
    "Riving av gamle fliser",
    "Legging av membran",
    "Flislegging vegg",
    "Montering av kjøkkenskap",
    "Trekking av kabel",
    "Montering av stikkontakter",
    "Rørlegging og tilkobling",
    "Isolering og dampsperre",
    "Gipsing og sparkling",
    "Befaring med kunde",
    "Henting av materialer",
    "Opprydding og avfall",
    "Montering av lister",
    "Maling",
]
OFFICE_TASKS = [
    "Tilbud og planlegging",
    "Befaring",
    "Oppfølging av underleverandør",
    "Bestilling av materialer",
    "Kundemøte",
]


def _working_days(today):
    monday = today - datetime.timedelta(days=today.weekday() + 7 * (WEEKS - 1))
    day = monday
    while day <= today:
        if day.weekday() < 5:
            yield day
        day += datetime.timedelta(days=1)


def _projects_on(projects, day):
    running = [
        p
        for p in projects
        if (p.start_date is None or p.start_date <= day)
        and (p.end_date is None or day <= p.end_date)
    ]
    return running or projects


def _day_plan(rng, user):
    """[(hours, task list)] for one working day: a full day on the tools for an
    employee, a few hours in the field for Administrator and Moderator."""
    if user.has_perm(perms.HOURS_VIEW_ALL):
        return [(Decimal(rng.choice(["1.5", "2", "3", "4"])), OFFICE_TASKS)]
    first = Decimal(rng.choice(["7.5", "4", "5", "3.5", "6"]))
    if first == Decimal("7.5"):
        return [(first, TASKS)]
    return [(first, TASKS), (Decimal("7.5") - first, TASKS)]


def _entries_for(user, company, projects, customers, today, approver, rng):
    entries = []
    approved_before = today - datetime.timedelta(
        days=today.weekday() + 7 * (WEEKS - APPROVED_WEEKS)
    )
    for day in _working_days(today):
        if rng.random() < 0.05:
            continue  # a day off now and then
        start = datetime.time(7, 0)
        for hours, tasks in _day_plan(rng, user):
            project = rng.choice(_projects_on(projects, day)) if projects else None
            customer = project.customer if project and project.customer_id else None
            if project is None or rng.random() < 0.1:
                project, customer = None, rng.choice(customers) if customers else None
            entry = TimeEntry(
                company=company,
                user=user,
                date=day,
                hours=hours,
                project=project,
                customer=customer,
                description=rng.choice(tasks),
                created_by=user,
                updated_by=user,
            )
            if not user.has_perm(perms.HOURS_VIEW_ALL):
                # Employees often log "Fra"/"Til": 07:00 onwards, half an hour lunch.
                end = datetime.datetime.combine(day, start) + datetime.timedelta(
                    minutes=int(hours * 60) + (30 if start == datetime.time(7, 0) else 0)
                )
                entry.start_time, entry.end_time = start, end.time()
                entry.break_minutes = 30 if start == datetime.time(7, 0) else 0
                start = end.time()
            if day < approved_before and approver is not None:
                monday_after = day + datetime.timedelta(days=7 - day.weekday())
                entry.approved_by = entry.updated_by = approver
                entry.approved_at = timezone.make_aware(
                    datetime.datetime.combine(monday_after, datetime.time(9, 15))
                )
            entries.append(entry)
    return entries


def load(firms):
    """Create the demo hours of each firm that has none yet (idempotent)."""
    today = timezone.localdate()
    rng = random.Random(48)
    for key, firm in firms.items():
        company = firm["company"]
        if TimeEntry.objects.filter(company=company).exists():
            continue
        users = list(firm["users"].values())
        approver = next((u for u in users if u.has_perm(perms.HOURS_APPROVE)), None)
        customers = list(Customer.objects.filter(company=company).active()[:10])
        entries = []
        for user in users:
            projects = list(
                pickable_projects(user).filter(company=company).select_related("customer")
            )
            made = _entries_for(user, company, projects, customers, today, approver, rng)
            if key != "demo":
                made = made[-6:]  # the other firm: a few entries only
            entries += made
        TimeEntry.objects.bulk_create(entries)

"""Reads of the invoice basis ("Fakturagrunnlag"): what a customer can be billed for in
a period, priced (invoicing.prices) and summed in Decimal to the øre (core.money).

One rounding rule, whatever the grouping: each entry's hours × price is rounded to the
øre (``entry_amount``), and a line, a project and the basis are sums of those. Rounded
after summing a day's or an employee's hours instead, "per date" and "per employee"
could differ by an øre, and so could the stored basis and its detail page."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DecimalField, F, Max, Min, Q, Sum
from django.db.models.functions import Round
from django.shortcuts import get_object_or_404

from core.fields import MONEY_DECIMALS, MoneyField
from core.money import ZERO, mva, to_ore
from timesheets.models import TimeEntry

from .models import InvoiceBasis, InvoicedEntry
from .prices import hourly_rate, hourly_rate_of_entry

GROUPS = ("date", "employee")


@dataclass
class Line:
    """Hours of one day or one employee at one price."""

    label: object  # a date, or an employee's name
    hours: Decimal
    rate: Decimal | None
    amount: Decimal


@dataclass
class ProjectGroup:
    number: int | None
    name: str  # empty: hours without a project
    lines: list = field(default_factory=list)

    @property
    def hours(self):
        return sum((line.hours for line in self.lines), Decimal(0))

    @property
    def amount(self):
        return sum((line.amount for line in self.lines), ZERO)


@dataclass
class Basis:
    projects: list
    unapproved: int  # entries in the period not approved, so not in the basis
    unpriced: int  # lines without any price (0 kr), to be told

    @property
    def hours(self):
        return sum((group.hours for group in self.projects), Decimal(0))

    @property
    def net(self):
        return sum((group.amount for group in self.projects), ZERO)

    @property
    def mva(self):
        return mva(self.net)

    @property
    def total(self):
        return self.net + self.mva


def entry_amount():
    """An entry's (or invoiced entry's) amount excl. MVA: ``hours`` × ``rate`` to the
    øre, half up as core.money.line_amount (PostgreSQL rounds a tie away from zero,
    and neither is ever negative); NULL without a price."""
    return Round(F("hours") * F("rate"), MONEY_DECIMALS, output_field=MoneyField())


def period_entries(*, customer, project=None, date_from, date_to):
    """The customer's entries in the period (not deleted), of one project if given."""
    entries = TimeEntry.objects.alive().filter(
        customer=customer, date__gte=date_from, date__lte=date_to
    )
    return entries.filter(project=project) if project is not None else entries


def _grouped(rows, *, key, unapproved):
    """A Basis of ``rows``: dicts of project number and name, ``key``, rate, hours and
    amount (None without a price), ordered by project."""
    projects, unpriced = {}, 0
    for row in rows:
        number = row["project_number"]
        group_of = projects.setdefault(number, ProjectGroup(number, row["project_name"] or ""))
        unpriced += row["rate"] is None
        group_of.lines.append(
            Line(
                label=row[key],
                hours=row["total_hours"],
                rate=row["rate"],
                amount=to_ore(row["amount"]),
            )
        )
    return Basis(projects=list(projects.values()), unapproved=unapproved, unpriced=unpriced)


def open_entries(entries):
    """Of ``entries``, those a basis takes: approved, billable and not invoiced."""
    return entries.approved().filter(billable=True, invoiced_at__isnull=True)


def basis(*, company, customer, project=None, date_from, date_to, group="date"):
    """The basis of ``customer`` (or one of its projects) for the period, by project and
    then by date or employee (``group``), of what is not yet invoiced: one grouped
    query, whatever the number of entries."""
    entries = period_entries(
        customer=customer, project=project, date_from=date_from, date_to=date_to
    )
    key = "date" if group == "date" else "user__name"
    rows = (
        open_entries(entries)
        .annotate(rate=hourly_rate_of_entry(company))
        .values(key, "rate", project_number=F("project__number"), project_name=F("project__name"))
        .annotate(total_hours=Sum("hours"), amount=Sum(entry_amount()))
        .order_by("project_number", key, "rate")
    )
    return _grouped(rows, key=key, unapproved=entries.unapproved().count())


def invoiced_basis(invoiced, *, group="date"):
    """What ``invoiced`` (an InvoiceBasis) billed, grouped as the page was, at the
    prices it was billed at."""
    key = "entry__date" if group == "date" else "entry__user__name"
    rows = (
        invoiced.lines.values(
            key,
            "rate",
            project_number=F("entry__project__number"),
            project_name=F("entry__project__name"),
        )
        .annotate(total_hours=Sum("hours"), amount=Sum(entry_amount()))
        .order_by("project_number", key, "rate")
    )
    return _grouped(rows, key=key, unapproved=0)


def bases():
    """The firm's invoiced bases, newest first."""
    return InvoiceBasis.objects.select_related("customer", "project", "invoiced_by")


def get_basis_for_user(request, pk):
    """A basis of the user's firm, or 404."""
    return get_object_or_404(bases(), pk=pk)


# What the cards show (the customer card, the project card)


@dataclass
class Amounts:
    """What a customer's or a project's hours come to, excl. MVA: sums of each entry's
    amount rounded to the øre (``entry_amount``), as a basis sums them; the cost is
    exact, shown to the øre."""

    invoiced: Decimal  # in standing bases, at the prices they were billed at
    open: Decimal  # approved, billable, not invoiced: what a basis takes now
    open_from: datetime.date | None  # the first and last day of those: a basis's period
    open_to: datetime.date | None
    waiting: Decimal  # billable, not invoiced and not approved yet
    unpriced: Decimal  # hours of ``open`` and ``waiting`` without any price: 0 kr
    logged: Decimal  # every hour logged, billable or not
    cost: Decimal | None = None  # hours × the employee's cost per hour, when asked
    uncosted: Decimal = ZERO  # hours of employees without a cost per hour

    @property
    def value(self):
        """The billable work done, invoiced or not."""
        return self.invoiced + self.open + self.waiting

    @property
    def margin(self):
        return None if self.cost is None else self.value - self.cost


def amounts(*, company, with_costs=False, **of):
    """The Amounts of the entries ``of`` names (``customer=`` or ``project=``), priced
    and rounded per entry as the basis prices them (``entry_amount``), with the
    employees' cost when ``with_costs``: one grouped query over the entries and one over
    the lines of standing bases, whatever their number."""
    money = DecimalField(max_digits=20, decimal_places=6)
    unbilled = Q(billable=True, invoiced_at__isnull=True)
    ready = unbilled & Q(approved_at__isnull=False)
    waiting = unbilled & Q(approved_at__isnull=True)
    sums = {
        "logged": Sum("hours"),
        "open": Sum(entry_amount(), filter=ready, output_field=money),
        "open_from": Min("date", filter=ready),
        "open_to": Max("date", filter=ready),
        "waiting": Sum(entry_amount(), filter=waiting, output_field=money),
        "unpriced": Sum("hours", filter=unbilled & Q(rate__isnull=True)),
    }
    if with_costs:
        sums["cost"] = Sum(F("hours") * F("user__hourly_cost"), output_field=money)
        sums["uncosted"] = Sum("hours", filter=Q(user__hourly_cost__isnull=True))
    row = (
        TimeEntry.objects.alive()
        .filter(**of)
        .annotate(rate=hourly_rate_of_entry(company))
        .aggregate(**sums)
    )
    billed = InvoicedEntry.objects.filter(
        released_at__isnull=True, **{f"entry__{name}": value for name, value in of.items()}
    ).aggregate(total=Sum(entry_amount(), output_field=money))
    days = {name: row.pop(name) for name in ("open_from", "open_to")}
    sums = {name: total or ZERO for name, total in row.items()}  # a sum of no rows is NULL
    return Amounts(invoiced=billed["total"] or ZERO, **days, **sums)


@dataclass
class Estimate:
    """A project's hours and value against its estimate."""

    hours: Decimal | None  # estimated
    value: Decimal | None  # the estimated hours at the project's price
    amounts: Amounts

    @property
    def hours_share(self):
        return _percent(self.amounts.logged, self.hours)

    @property
    def value_share(self):
        return _percent(self.amounts.value, self.value)

    @property
    def margin_share(self):
        margin = self.amounts.margin
        return None if margin is None else _percent(margin, self.amounts.value)


def _percent(part, whole):
    """``part`` in whole per cent of ``whole``; None without a whole to compare with."""
    return int(part * 100 / whole) if whole else None


def project_estimate(project, *, company, with_costs=False):
    """``project``'s Amounts against its estimated hours, and their value at the price
    of the project's hours (invoicing.prices)."""
    rate = hourly_rate(company=company, customer=project.customer, project=project)
    estimated = project.estimated_hours
    return Estimate(
        hours=estimated,
        value=None if estimated is None or rate is None else estimated * rate,
        amounts=amounts(company=company, with_costs=with_costs, project=project),
    )

"""Reads of the invoice basis ("Fakturagrunnlag"): what a customer can be billed for in
a period, priced (invoicing.prices) and summed in Decimal to the øre (core.money).

One rounding rule, whatever the grouping: each entry's hours × price is rounded to the
øre (``entry_amount``), and a line, a project and the basis are sums of those. Rounded
after summing a day's or an employee's hours instead, "per date" and "per employee"
could differ by an øre, and so could the stored basis and its detail page. Materials
and driving ("Materiell", "Kjøring": invoicing.models.JobLine) are rounded the same
way, each line's quantity × price to the øre (``job_line_amount``).

What a basis holds, for every page and file that shows one (the page, the Excel file,
a PDF): ``Basis.projects``, each a ``ProjectGroup`` with its hours (``lines``), its
materials (``materials``) and its driving (``driving``), the last two lists of
``JobLineRow``; the sums ``hours_net``, ``materials_net``, ``driving_net``, ``net``,
``mva`` and ``total``; ``unpriced_lines``, the lines without a price yet, which no sum
holds (and which keep the basis from being marked as invoiced)."""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connections
from django.db.models import Count, DecimalField, F, Max, Min, Q, Sum
from django.db.models.functions import Coalesce, Round
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts import permissions as perms
from core import history
from core.fields import MONEY_DECIMALS, MoneyField
from core.money import ZERO, format_money, line_amount, mva, to_ore
from core.templatetags.core import hours as quantity_shown
from timesheets.models import DONE, READY, WAITING, EntryTally, TimeEntry

from .models import InvoiceBasis, InvoicedEntry, InvoicedJobLine, JobLine, JobLineEvent, Kind, Unit
from .prices import hourly_rate, line_price_of, with_hourly_rates

GROUPS = ("date", "employee")


@dataclass
class Line:
    """Hours of one day or one employee at one price."""

    label: object  # a date, or an employee's name
    hours: Decimal
    rate: Decimal | None
    amount: Decimal


@dataclass
class JobLineRow:
    """One materials or driving line, as a basis shows it."""

    pk: int  # the line (invoicing.models.JobLine)
    kind: str  # Kind
    date: datetime.date
    description: str
    route: str  # driving's from–to
    quantity: Decimal
    unit: str  # as shown: "m²"
    unit_price: Decimal | None  # None: no price yet
    amount: Decimal | None  # quantity × unit price to the øre; None without a price

    @property
    def is_driving(self):
        return self.kind == Kind.DRIVING


def _sum_priced(rows):
    return sum((row.amount for row in rows if row.amount is not None), ZERO)


@dataclass
class ProjectGroup:
    number: int | None
    name: str  # empty: hours without a project
    lines: list = field(default_factory=list)  # hours: Line
    materials: list = field(default_factory=list)  # JobLineRow
    driving: list = field(default_factory=list)  # JobLineRow
    # Cut to the first lines for a page (``first_lines``, ``basis_page``): the sums of
    # the whole group (a ProjectGroup or GroupSums).
    full: "ProjectGroup | GroupSums | None" = None

    @property
    def one_rate(self):
        """Whether its lines of hours (as shown) share one price. A project of a
        customer's basis has one (``with_hourly_rates``): it is said once, with the
        project, instead of on every line (a long PDF lays out a quarter fewer cells)."""
        return len({line.rate for line in self.lines}) == 1

    @property
    def rate(self):
        """The price of its first line of hours (None: no price)."""
        return self.lines[0].rate if self.lines else None

    @property
    def hours(self):
        if self.full:
            return self.full.hours
        return sum((line.hours for line in self.lines), Decimal(0))

    @property
    def hours_amount(self):
        if self.full:
            return self.full.hours_amount
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def materials_amount(self):
        return self.full.materials_amount if self.full else _sum_priced(self.materials)

    @property
    def driving_amount(self):
        return self.full.driving_amount if self.full else _sum_priced(self.driving)

    @property
    def km(self):
        if self.full:
            return self.full.km
        return sum((row.quantity for row in self.driving), Decimal(0))

    @property
    def amount(self):
        """Hours, materials and driving; lines without a price are in no sum."""
        return self.hours_amount + self.materials_amount + self.driving_amount


@dataclass
class GroupSums:
    """A project's sums as the database adds them up (``basis_page``), for a group of
    which a page shows only the first lines."""

    hours: Decimal = Decimal(0)
    hours_amount: Decimal = ZERO
    materials_amount: Decimal = ZERO
    driving_amount: Decimal = ZERO
    km: Decimal = Decimal(0)


@dataclass
class Basis:
    projects: list
    unapproved: int  # entries in the period not approved, so not in the basis
    unpriced: int  # hours lines without any price (0 kr), to be told
    unpriced_lines: int = 0  # materials and driving lines without a price: in no sum
    unapproved_lines: int = 0  # a project's lines in the period not approved yet
    # Cut to its first lines (``first_lines``, ``basis_page``): the sums of the whole
    # (a Basis or BasisSums).
    full: "Basis | BasisSums | None" = None

    def _sum(self, name, of_group, start=ZERO):
        """The whole's ``name``: the full basis's, else its groups' ``of_group`` added."""
        if self.full:
            return getattr(self.full, name)
        return sum((getattr(group, of_group) for group in self.projects), start)

    @property
    def hours(self):
        return self._sum("hours", "hours", Decimal(0))

    @property
    def hours_net(self):
        return self._sum("hours_net", "hours_amount")

    @property
    def materials_net(self):
        return self._sum("materials_net", "materials_amount")

    @property
    def driving_net(self):
        return self._sum("driving_net", "driving_amount")

    @property
    def has_lines(self):
        if self.full:
            return self.full.has_lines
        return any(group.materials or group.driving for group in self.projects)

    @property
    def net(self):
        return self.hours_net + self.materials_net + self.driving_net

    @property
    def mva(self):
        return mva(self.net)

    @property
    def total(self):
        return self.net + self.mva

    @property
    def line_count(self):
        """Its lines of hours, materials and driving as shown (cut or not)."""
        return sum(len(g.lines) + len(g.materials) + len(g.driving) for g in self.projects)


@dataclass
class BasisSums:
    """A whole basis's sums and counts as the database adds them up (``basis_page``):
    what a Basis says of itself, without its lines."""

    unapproved: int
    unapproved_lines: int
    hours: Decimal = Decimal(0)
    hours_net: Decimal = ZERO
    materials_net: Decimal = ZERO
    driving_net: Decimal = ZERO
    unpriced: int = 0
    unpriced_lines: int = 0
    line_count: int = 0
    job_line_count: int = 0

    @property
    def has_lines(self):
        return self.job_line_count > 0

    net = Basis.net
    mva = Basis.mva
    total = Basis.total


def first_lines(basis, limit):
    """``basis`` cut to its first ``limit`` lines, in the order they are shown (each
    project's hours, materials, driving), keeping every sum of the whole: its PDF and
    Excel file have every line, a page shows the first (``basis_page``)."""
    return _cut(basis, limit, full=basis, full_of=lambda group: group)


def _cut(basis, limit, *, full, full_of):
    """``basis``'s first ``limit`` lines, the whole's sums being ``full`` (a Basis or
    BasisSums) and a group's ``full_of(group)``."""
    left, groups = limit, []
    for group in basis.projects:
        if not left:
            break
        cut = ProjectGroup(group.number, group.name, full=full_of(group))
        for name in ("lines", "materials", "driving"):
            rows = getattr(group, name)[:left]
            setattr(cut, name, rows)
            left -= len(rows)
        groups.append(cut)
    return Basis(
        groups, full.unapproved, full.unpriced, full.unpriced_lines, full.unapproved_lines,
        full=full,
    )  # fmt: skip


# What ``basis_page`` has the database add up over all the materials and driving lines
# (``g``: one line each), beside the first ones it fetches.
_DRIVING = f"g.kind = '{Kind.DRIVING}'"
_MATERIAL = f"g.kind = '{Kind.MATERIAL}'"
_LINE_SUMS = {
    "group_materials": f"SUM(g.amount) FILTER (WHERE {_MATERIAL}) OVER project",
    "group_driving": f"SUM(g.amount) FILTER (WHERE {_DRIVING}) OVER project",
    "group_km": f"SUM(g.quantity) FILTER (WHERE {_DRIVING}) OVER project",
    "all_lines": "COUNT(*) OVER ()",
    "all_materials": f"SUM(g.amount) FILTER (WHERE {_MATERIAL}) OVER ()",
    "all_driving": f"SUM(g.amount) FILTER (WHERE {_DRIVING}) OVER ()",
    "all_unpriced": "COUNT(*) FILTER (WHERE g.price IS NULL) OVER ()",
}
_LINE_ORDER = f"g.project_number, {_DRIVING}, g.day, g.line_pk"  # as _grouped shows them


def _first_with_sums(rows, *, sums, order, limit):
    """The first ``limit`` of ``rows`` (a values() query) in ``order``, each with
    ``sums``: window functions over all of them, so that the database adds up the rows
    it does not send. As dicts, of the database's own values."""
    sql, params = rows.order_by().query.sql_with_params()
    columns = ", ".join(f"{expression} AS {name}" for name, expression in sums.items())
    query = (
        f"SELECT g.*, {columns} FROM ({sql}) g "  # noqa: S608 (the ORM's SQL and constants)
        f"WINDOW project AS (PARTITION BY g.project_number) ORDER BY {order} LIMIT %s"
    )
    with connections[rows.db].cursor() as cursor:
        cursor.execute(query, (*params, limit))
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _hour_totals(company, entries, group):
    """Per project of ``entries``' basis: its hours, their amount, its lines of hours
    and how many of those have no price, from one query grouped by project only. A line
    is a day's (or an employee's: ``group``) hours at one price, and the price is the
    project's or the customer's (``with_hourly_rates``): one per project in a
    customer's basis, so a project has a line a day (or an employee)."""
    label = "date" if group == "date" else "user__name"
    return (
        with_hourly_rates(open_entries(entries), company)
        .values("project", project_number=F("firm_project__number"))
        .annotate(
            total_hours=Sum("hours"),
            amount=Sum(entry_amount()),
            lines=Count(label, distinct=True),
            unpriced=Count(label, distinct=True, filter=Q(rate__isnull=True)),
        )
        .order_by("project_number")
    )


def basis_page(*, company, limit, customer, project=None, date_from, date_to, group="date"):
    """``basis`` as its page shows it: its first ``limit`` lines (as ``first_lines``
    cuts them) with the sums of all, which the database adds up. A customer's years are
    ten thousand lines: the page groups the hours of the projects it shows only, and
    fetches at most ``limit`` lines of each kind.

    Those are enough: a line the page shows is among the first ``limit`` of its kind,
    and a project it shows has its first materials or driving line among them, which
    carries the project's sums (``_LINE_SUMS``)."""
    entries = period_entries(
        customer=customer, project=project, date_from=date_from, date_to=date_to
    )
    totals = {row["project_number"]: row for row in _hour_totals(company, entries, group)}
    lines = period_lines(customer=customer, project=project, date_from=date_from, date_to=date_to)
    job_lines = _first_with_sums(
        _job_line_values(open_lines(lines), price=line_price_of(company)),
        sums=_LINE_SUMS,
        order=_LINE_ORDER,
        limit=limit,
    )
    fetched_lines = Counter(row["project_number"] for row in job_lines)
    # The projects whose hours the page shows, walked as _cut walks them.
    left, shown = limit, []
    for number in sorted(totals.keys() | fetched_lines.keys(), key=_project_order):
        if not left:
            break
        hours = min(left, totals[number]["lines"]) if number in totals else 0
        if hours:
            shown.append(totals[number]["project"])
        left -= hours
        left -= min(left, fetched_lines[number])
    of_shown = Q(project__in=[pk for pk in shown if pk is not None])
    if None in shown:
        of_shown |= Q(project__isnull=True)
    hour_rows = _hour_rows(company, entries.filter(of_shown), group)[:limit] if shown else []
    groups = {
        number: GroupSums(hours=row["total_hours"], hours_amount=to_ore(row["amount"]))
        for number, row in totals.items()
    }
    for row in job_lines:
        sums = groups.setdefault(row["project_number"], GroupSums())
        sums.materials_amount = to_ore(row["group_materials"])
        sums.driving_amount = to_ore(row["group_driving"])
        sums.km = row["group_km"] or Decimal(0)
    first_line = job_lines[0] if job_lines else {}
    full = BasisSums(
        unapproved=entries.unapproved().count(),
        unapproved_lines=unapproved_project_lines(lines).count(),
        hours=sum((sums.hours for sums in groups.values()), Decimal(0)),
        hours_net=sum((sums.hours_amount for sums in groups.values()), ZERO),
        materials_net=to_ore(first_line.get("all_materials")),
        driving_net=to_ore(first_line.get("all_driving")),
        unpriced=sum(row["unpriced"] for row in totals.values()),
        unpriced_lines=first_line.get("all_unpriced", 0),
        line_count=sum(row["lines"] for row in totals.values()) + first_line.get("all_lines", 0),
        job_line_count=first_line.get("all_lines", 0),
    )
    fetched = _grouped(hour_rows, unapproved=0, job_lines=job_lines)
    return _cut(fetched, limit, full=full, full_of=lambda group: groups[group.number])


def entry_amount():
    """An entry's (or invoiced entry's) amount excl. MVA: ``hours`` × ``rate`` to the
    øre, half up as core.money.line_amount (PostgreSQL rounds a tie away from zero,
    and neither is ever negative); NULL without a price."""
    return Round(F("hours") * F("rate"), MONEY_DECIMALS, output_field=MoneyField())


def job_line_amount(quantity="quantity", price="price"):
    """A line's amount excl. MVA: ``quantity`` × ``price`` to the øre, half up as
    ``entry_amount``; NULL without a price."""
    return Round(F(quantity) * F(price), MONEY_DECIMALS, output_field=MoneyField())


def period_entries(*, customer, project=None, date_from, date_to):
    """The customer's entries in the period (not deleted), of one project if given."""
    entries = TimeEntry.objects.alive().filter(
        customer=customer, date__gte=date_from, date__lte=date_to
    )
    return entries.filter(project=project) if project is not None else entries


def _project_order(number):
    """By project number as the queries order them (PostgreSQL: no project last)."""
    return (number is None, number or 0)


def _grouped(rows, *, unapproved, job_lines=(), unapproved_lines=0):
    """A Basis of ``rows``: dicts of project number and name, ``label`` (a day or an
    employee), rate, hours and amount (None without a price), ordered by project; and of
    ``job_lines``, dicts of a line (``_job_line_values``)."""
    projects, unpriced = {}, 0
    for row in rows:
        number = row["project_number"]
        group_of = projects.setdefault(number, ProjectGroup(number, row["project_name"] or ""))
        unpriced += row["rate"] is None
        group_of.lines.append(
            Line(
                label=row["label"],
                hours=row["total_hours"],
                rate=row["rate"],
                amount=to_ore(row["amount"]),
            )
        )
    unpriced_lines = 0
    for row in job_lines:
        number = row["project_number"]
        group_of = projects.setdefault(number, ProjectGroup(number, row["project_name"] or ""))
        unpriced_lines += row["price"] is None
        line = JobLineRow(
            pk=row["line_pk"],
            kind=row["kind"],
            date=row["day"],
            description=row["description"],
            route=row["route"],
            quantity=row["quantity"],
            unit=Unit(row["unit"]).label,
            unit_price=row["price"],
            amount=None if row["amount"] is None else to_ore(row["amount"]),
        )
        (group_of.driving if line.is_driving else group_of.materials).append(line)
    ordered = sorted(projects.values(), key=lambda group: _project_order(group.number))
    return Basis(
        projects=ordered,
        unapproved=unapproved,
        unpriced=unpriced,
        unpriced_lines=unpriced_lines,
        unapproved_lines=unapproved_lines,
    )


def period_lines(*, customer, project=None, date_from, date_to):
    """The materials and driving lines of the customer's work in the period (not
    deleted): those on its entries (of the entry's day), and those directly on its
    projects (of the line's own day); of one project if given. Found by the line's
    customer and day (kept by the database: JobLine.customer, JobLine.day)."""
    lines = (
        JobLine.objects.alive()
        .filter(customer=customer, day__gte=date_from, day__lte=date_to)
        .filter(Q(entry__isnull=True) | Q(entry__deleted_at__isnull=True))
    )
    if project is not None:
        lines = lines.filter(Q(entry__project=project) | Q(project=project))
    return lines


def _approved_lines():
    """A line is approved with its entry, or (on a project) on its own; and billed
    when its entry is billable, or (on a project) its project is."""
    on_entry = Q(entry__isnull=False, entry__approved_at__isnull=False, entry__billable=True)
    on_project = Q(entry__isnull=True, approved_at__isnull=False, project__billable=True)
    return on_entry | on_project


def _billable_lines():
    return Q(entry__isnull=False, entry__billable=True) | Q(
        entry__isnull=True, project__billable=True
    )


def open_lines(lines):
    """Of ``lines``, those a basis takes: approved, billable and not invoiced."""
    return lines.filter(_approved_lines(), invoiced_at__isnull=True)


def _job_line_values(lines, *, prefix="", price):
    """``lines`` (of JobLine, or of what points at one through ``prefix``) as the dicts
    ``_grouped`` reads, priced by ``price`` (an expression), ordered by project, day and
    line."""
    p = prefix
    names = ["kind", "description", "route", "unit", "day"]
    # A model's own fields by name; through ``prefix`` under the same names.
    renamed = {name: F(f"{p}{name}") for name in names} if p else {}
    return (
        lines.annotate(
            price=price,
            project_number=Coalesce(F(f"{p}project__number"), F(f"{p}entry__project__number")),
            project_name=Coalesce(F(f"{p}project__name"), F(f"{p}entry__project__name")),
        )
        .annotate(amount=job_line_amount())
        .values(
            "price",
            "project_number",
            "project_name",
            "amount",
            "quantity",
            *([] if p else names),
            line_pk=F(f"{p}pk"),
            **renamed,
        )
        .order_by("project_number", "day", "line_pk")
    )


def unapproved_project_lines(lines):
    """Of ``lines``, those on a project (not an entry) that wait for approval."""
    return lines.filter(entry__isnull=True, approved_at__isnull=True, invoiced_at__isnull=True)


def open_entries(entries):
    """Of ``entries``, those a basis takes: approved, billable and not invoiced."""
    return entries.approved().filter(billable=True, invoiced_at__isnull=True)


def _hour_rows(company, entries, group):
    """The lines of hours of ``entries``' basis (``_lines_of_hours``), at today's
    prices."""
    return _lines_of_hours(with_hourly_rates(open_entries(entries), company), group)


def _lines_of_hours(rows, group, prefix=""):
    """``rows`` (with a ``rate``: entries, or through ``prefix`` invoiced entries) as the
    dicts ``_grouped`` reads: per project, ``label`` (a day, or an employee's name:
    ``group``) and price, their hours and amount."""
    return (
        rows.values(
            "rate",
            label=F(f"{prefix}date" if group == "date" else f"{prefix}user__name"),
            project_number=F(f"{prefix}project__number"),
            project_name=F(f"{prefix}project__name"),
        )
        .annotate(total_hours=Sum("hours"), amount=Sum(entry_amount()))
        .order_by("project_number", "label", "rate")
    )


def basis(*, company, customer, project=None, date_from, date_to, group="date"):
    """The basis of ``customer`` (or one of its projects) for the period, by project and
    then by date or employee (``group``), of what is not yet invoiced: one grouped
    query, whatever the number of entries."""
    entries = period_entries(
        customer=customer, project=project, date_from=date_from, date_to=date_to
    )
    lines = period_lines(customer=customer, project=project, date_from=date_from, date_to=date_to)
    return _grouped(
        _hour_rows(company, entries, group),
        unapproved=entries.unapproved().count(),
        job_lines=_job_line_values(open_lines(lines), price=line_price_of(company)),
        unapproved_lines=unapproved_project_lines(lines).count(),
    )


def invoiced_basis(invoiced, *, group="date"):
    """What ``invoiced`` (an InvoiceBasis) billed, grouped as the page was, at the
    prices it was billed at."""
    rows = _lines_of_hours(invoiced.lines.all(), group, prefix="entry__")
    job_lines = _job_line_values(invoiced.job_lines.all(), prefix="line__", price=F("unit_price"))
    return _grouped(rows, unapproved=0, job_lines=job_lines)


def bases():
    """The firm's invoiced bases, newest first."""
    return InvoiceBasis.objects.select_related("customer", "project", "invoiced_by")


def standing_basis_of(entry):
    """The basis ``entry`` is invoiced in now (not reopened), or None."""
    return InvoiceBasis.objects.filter(lines__entry=entry, lines__released_at__isnull=True).first()


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
    unpriced_lines: int = 0  # materials and driving of ``open`` and ``waiting`` unpriced

    @property
    def value(self):
        """The billable work done, invoiced or not."""
        return self.invoiced + self.open + self.waiting

    @property
    def margin(self):
        return None if self.cost is None else self.value - self.cost


MONEY_SUM = DecimalField(max_digits=20, decimal_places=6)  # a sum of many amounts


def amounts(*, company, with_costs=False, **of):
    """The Amounts of the entries ``of`` names (``customer=`` or ``project=``), priced
    and rounded per entry as the basis prices them (``entry_amount``), with the
    employees' cost when ``with_costs``; with the materials and driving lines of their
    work. A fixed number of queries, whatever the number of entries and lines.

    The entries are priced from the database's tally of them (timesheets.EntryTally):
    how many of each hours and billing state there are per customer and project. n
    entries of the same hours at the same price come to n × that hour's rounded amount,
    so the sums are those of each entry's amount, at the prices of now (the key
    customer's 20,000 entries: 19 ms of SQL priced one by one, 146 rows of the tally
    and 1 ms now). The first and last day of what a basis takes are read from the
    entries' index."""
    groups = (
        with_hourly_rates(EntryTally.objects.filter(**of), company)
        .values("rate", "hours", "state")
        .annotate(n=Sum("entries"))
        .order_by()
    )
    sums = {"logged": ZERO, "open": ZERO, "waiting": ZERO, "unpriced": ZERO}
    for group in groups:
        hours = group["hours"] * group["n"]
        sums["logged"] += hours
        if group["state"] != DONE:
            amount = group["n"] * line_amount(group["hours"], group["rate"])
            sums["open" if group["state"] == READY else "waiting"] += amount
            if group["rate"] is None:
                sums["unpriced"] += hours
    entries = TimeEntry.objects.alive().filter(**of)
    ready = entries.filter(billable=True, invoiced_at__isnull=True, approved_at__isnull=False)
    days = ready.aggregate(first=Min("date"), last=Max("date"))
    ready_days = [day for day in days.values() if day is not None]
    costs = _costs(entries) if with_costs else {}
    billed = InvoicedEntry.objects.filter(
        released_at__isnull=True, **{f"entry__{name}": value for name, value in of.items()}
    ).aggregate(total=Sum(entry_amount(), output_field=MONEY_SUM))
    lines = _line_amounts(company, **of)
    ready_days += lines.ready_days
    return Amounts(
        invoiced=(billed["total"] or ZERO) + lines.invoiced,
        open_from=min(ready_days, default=None),
        open_to=max(ready_days, default=None),
        logged=sums["logged"],
        open=sums["open"] + lines.open,
        waiting=sums["waiting"] + lines.waiting,
        unpriced=sums["unpriced"],
        unpriced_lines=lines.unpriced,
        **costs,
    )


def _costs(entries):
    """The cost of ``entries``' hours at their employees' cost per hour, and the hours
    of employees without one: one query grouped by that cost."""
    costs = {"cost": ZERO, "uncosted": ZERO}
    for row in entries.values(per_hour=F("user__hourly_cost")).annotate(hours=Sum("hours")):
        if row["per_hour"] is None:
            costs["uncosted"] += row["hours"]
        else:
            costs["cost"] += row["hours"] * row["per_hour"]
    return costs


def _lines_of(prefix="", *, customer=None, project=None):
    """The condition on lines (through ``prefix``) of a customer's or a project's work:
    on its entries, or directly on its project(s)."""
    if project is not None:
        on_entries = JobLine.objects.filter(entry__project=project)
        on_projects = JobLine.objects.filter(project=project)
        return Q(**{f"{prefix}pk__in": either_of(on_entries, on_projects)})
    return Q(**{f"{prefix}customer": customer})


def either_of(on_entries, on_projects):
    """The ids of lines on entries or on projects, each found through its own index (an
    entry's, a project's): an OR across the two joins made PostgreSQL join every line of
    the firm to its entry first."""
    return on_entries.values("pk").union(on_projects.values("pk"), all=True)


@dataclass
class _LineAmounts:
    open: Decimal = ZERO
    waiting: Decimal = ZERO
    invoiced: Decimal = ZERO
    unpriced: int = 0  # lines of ``open`` and ``waiting`` without a price
    ready_days: list = field(default_factory=list)  # the first and last day of ``open``


def _line_amounts(company, **of):
    """The lines' part of ``amounts``: two queries, the first grouped by the state the
    database keeps on each line (JobLine.state) over the lines still to bill, so that
    neither the years a firm has invoiced nor each line's entry and project are read
    for it."""
    groups = (
        JobLine.objects.alive()
        .filter(_lines_of(**of), state__in=[READY, WAITING])
        .annotate(price=line_price_of(company))
        .values("state", priced=Q(price__isnull=False))
        .annotate(
            amount=Sum(job_line_amount(), output_field=MONEY_SUM),
            first=Min("day"),
            last=Max("day"),
            n=Count("*"),
        )
        .order_by()
    )
    found = _LineAmounts()
    for group in groups:
        amount = group["amount"] or ZERO  # no price: in no sum
        if group["state"] == READY:
            found.open += amount
            found.ready_days += (group["first"], group["last"])
        else:
            found.waiting += amount
        if not group["priced"]:
            found.unpriced += group["n"]
    billed = InvoicedJobLine.objects.filter(
        _lines_of("line__", **of), released_at__isnull=True
    ).aggregate(total=Sum(job_line_amount(price="unit_price"), output_field=MONEY_SUM))
    found.invoiced = billed["total"] or ZERO
    return found


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


# Materials and driving on an entry or a project


def visible_lines(user):
    """The lines ``user`` may see: everyone's for those who see everyone's hours, else
    one's own (on one's own entries, or added to a project); deleted ones, and those of
    deleted entries, are nobody's."""
    lines = JobLine.objects.alive().filter(
        Q(entry__isnull=True) | Q(entry__deleted_at__isnull=True)
    )
    if user.has_perm(perms.HOURS_VIEW_ALL):
        return lines
    return lines.filter(user=user)


def get_line_for_user(request, pk):
    """A line the request user may see; anything else is a 404."""
    lines = visible_lines(request.user).select_related("entry", "entry__project", "project", "user")
    return get_object_or_404(lines, pk=pk)


def entry_lines(user, entry):
    """The lines of ``entry`` as its form lists them."""
    return visible_lines(user).filter(entry=entry).order_by("kind", "id")


def project_lines(user, project):
    """The lines directly on ``project`` as its card lists them, newest first."""
    return (
        visible_lines(user)
        .filter(project=project)
        .select_related("user", "approved_by")
        .order_by("-date", "-id")
    )


# History of a line -----------------------------------------------------------------

LINE_HISTORY_FIELDS = ["date", "description", "route", "quantity", "unit"]


def _line_display(name, value):
    if value in (None, ""):
        return history.EMPTY
    if name == "date":
        return value.strftime("%d.%m.%Y")
    if name == "quantity":
        return quantity_shown(value)
    if name == "unit":
        return Unit(value).label if value in Unit.values else value
    if name == "unit_price":
        return format_money(value)
    return str(value)


def _describe_line(labels):
    def describe(step):
        if step.label == history.BASELINE:
            return None
        if step.before is None:
            return history.Change(_("added"))
        if step.after is None or (step.after["deleted_at"] and step.changed("deleted_at")):
            return history.Change(_("deleted"))
        if step.changed("invoiced_at"):
            return history.Change(_("invoiced") if step.after["invoiced_at"] else _("released"))
        if step.changed("approved_at"):
            if step.after["approved_at"]:
                return history.Change(_("approved"), by=step.after["approved_by"])
            return history.Change(_("reopened"))
        fields = history.diffs(step, labels, _line_display)
        return history.Change(_("changed"), fields) if fields else None

    return describe


def line_history(line, *, prices):
    """The line's history, newest first: added, changed (each field as (label, old,
    new)), approved and reopened (a project's line), invoiced and released, deleted.
    Its unit price only with ``prices`` (accounts.permissions.PRICES): for anyone else a
    price change is no step at all."""
    fields = [*LINE_HISTORY_FIELDS, *(["unit_price"] if prices else [])]
    labels = {name: JobLine._meta.get_field(name).verbose_name for name in fields}
    names = [*fields, "approved_at", "approved_by", "invoiced_at", "deleted_at"]
    line_steps = history.steps(JobLineEvent.objects.filter(pgh_obj_id=line.pk), names)
    return history.entries(line_steps, _describe_line(labels))


def driving_km(user_ids, start, end):
    """{(user id, date): km} of the users' driving lines (not deleted) from ``start``
    to ``end``: a line on an entry on the entry's day (an entry not deleted), one on a
    project on its own. One query (timesheets.driving asks it for the payroll basis)."""
    alive = Q(entry__isnull=True) | Q(entry__deleted_at__isnull=True)
    lines = (
        JobLine.objects.alive()
        .filter(alive, kind=Kind.DRIVING, user__in=user_ids)
        .filter(day__range=(start, end))
        .values("user", "day")
        .annotate(km=Sum("quantity"))
    )
    return {(row["user"], row["day"]): row["km"] for row in lines}

"""Which hourly price applies ("Timepris"): the project's, else the customer's, else the
firm's default (Firma); the most specific one that is set. None: no price at all. And
the price of a materials or driving line."""

from django.db.models import Case, F, FilteredRelation, Q, Value, When
from django.db.models.functions import Coalesce

from core.fields import MoneyField

from .models import Kind


def hourly_rate(*, company, customer=None, project=None):
    """The price of an hour for ``customer`` on ``project`` (either may be None)."""
    for level in (project, customer, company):
        if level is not None and level.hourly_rate is not None:
            return level.hourly_rate
    return None


def with_hourly_rates(entries, company):
    """Time entries (or the tally of them, timesheets.EntryTally: rows with a project and
    a customer as entries have) with ``rate``: ``hourly_rate`` as a database expression,
    for a query that prices many at once (the entry's own customer, as the basis is per
    customer).

    The project and the customer are joined as the firm's own (they always are: the
    same-firm keys): PostgreSQL then hashes the firm's projects for the join, not every
    firm's, so the price of 20,000 entries costs the same with ten times the firms
    (9.5 ms, where the plain join took 23.7 ms at scale 10)."""
    return entries.annotate(
        firm_project=FilteredRelation("project", condition=Q(project__company=company)),
        firm_customer=FilteredRelation("customer", condition=Q(customer__company=company)),
        rate=Coalesce(
            F("firm_project__hourly_rate"),
            F("firm_customer__hourly_rate"),
            Value(company.hourly_rate, output_field=MoneyField()),
            output_field=MoneyField(),
        ),
    )


def line_price(line, *, company):
    """The unit price of a materials or driving line (invoicing.models.JobLine): its own
    for materials, the firm's rate per km for driving; None: no price yet."""
    return company.rate_per_km if line.is_driving else line.unit_price


def line_price_of(company):
    """``line_price`` as a database expression over lines."""
    return Case(
        When(kind=Kind.DRIVING, then=Value(company.rate_per_km, output_field=MoneyField())),
        default=F("unit_price"),
        output_field=MoneyField(),
    )

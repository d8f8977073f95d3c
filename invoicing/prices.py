"""Which hourly price applies ("Timepris"): the project's, else the customer's, else the
firm's default (Firma); the most specific one that is set. None: no price at all."""

from django.db.models import F, Value
from django.db.models.functions import Coalesce

from core.fields import MoneyField


def hourly_rate(*, company, customer=None, project=None):
    """The price of an hour for ``customer`` on ``project`` (either may be None)."""
    for level in (project, customer, company):
        if level is not None and level.hourly_rate is not None:
            return level.hourly_rate
    return None


def hourly_rate_of_entry(company):
    """``hourly_rate`` as a database expression over time entries, for a query that
    prices many at once (the entry's own customer, as the basis is per customer)."""
    return Coalesce(
        F("project__hourly_rate"),
        F("customer__hourly_rate"),
        Value(company.hourly_rate, output_field=MoneyField()),
        output_field=MoneyField(),
    )

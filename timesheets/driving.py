"""The km an employee drove on a day, as the app that keeps driving tells.

Driving ("Kjøring") is invoicing's (``invoicing.models.JobLine``), and the payroll
basis that pays it is worktime's; the two are siblings and import neither the other
(docs/architecture.md). So invoicing registers its reading here in its
``AppConfig.ready()``, and worktime asks here: ``source(user_ids, start, end) ->
{(user id, date): km}``.
"""

from collections import defaultdict
from decimal import Decimal

_SOURCES = []


def register(source):
    _SOURCES.append(source)


def km_by_day(user_ids, start, end):
    """{(user id, date): km} of the users' driving from ``start`` to ``end``."""
    found = defaultdict(Decimal)
    for source in _SOURCES:
        for key, km in source(user_ids, start, end).items():
            found[key] += km
    return dict(found)

"""Which days have no expected hours: Norway's public holidays (the holidays
package) and the firm's own days off."""

from functools import lru_cache

import holidays
from django.utils import translation

from .models import DayOff


@lru_cache(maxsize=64)
def _public_holidays(year, language):
    return dict(holidays.Norway(years=year, language=language))


def public_holidays(start, end):
    """{date: name} of the public holidays from ``start`` to ``end``, named in the
    user's language. Sundays are not holidays here, only the named days."""
    language = "no" if (translation.get_language() or "nb").startswith("nb") else "en_US"
    found = {}
    for year in range(start.year, end.year + 1):
        found.update(_public_holidays(year, language))
    return {date: name for date, name in found.items() if start <= date <= end}


def days_off(start, end):
    """{date: name} of the days without expected hours in the request's firm."""
    found = public_holidays(start, end)
    for day in DayOff.objects.filter(date__range=(start, end)):
        found.setdefault(day.date, day.name)
    return found

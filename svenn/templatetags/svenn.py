"""Template filters every app uses: ``{% load svenn %}``."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def hours(value):
    """Hours the Norwegian way, to the hundredth, without trailing zeros:
    7.50 -> "7,5", 8.00 -> "8", 1234.25 -> "1 234,25"."""
    if value in (None, ""):
        return ""
    value = Decimal(value).quantize(Decimal("0.01"))
    # normalize() alone would turn 100 into 1E+2.
    value = value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
    return number_format(value, use_l10n=True, force_grouping=True)

"""Template tags and filters every app uses: ``{% load core %}``."""

import uuid
from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html

from core import panels as registry
from core.idempotency import FIELD
from core.money import format_money

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


@register.filter
def money(value):
    """``7 125,00 kr`` (core.money.format_money)."""
    return format_money(value)


@register.filter
def minutes(duration):
    """A timedelta as whole minutes, rounded up: 0:15:00 -> 15."""
    return -(-int(duration.total_seconds()) // 60)


@register.simple_tag
def form_token():
    """A hidden one-time token for a form (see core.idempotency)."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, form_token_value())


@register.simple_tag
def form_token_value():
    """A one-time token for a write sent without a form of its own (htmx's hx-vals)."""
    return str(uuid.uuid4())


@register.simple_tag(takes_context=True)
def panels(context, slot, obj, **extra):
    """The sections other apps add to this page (see core.panels)."""
    return registry.render(slot, context["request"], obj, **extra)


# A quantity ("2,5" m, "12" stk) is written as hours are.
register.filter("quantity", hours)

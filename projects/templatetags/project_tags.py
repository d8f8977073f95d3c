from decimal import Decimal

from django import template
from django.utils.formats import number_format

from projects import selectors
from projects.forms import customer_label as _customer_label

register = template.Library()


@register.inclusion_tag("projects/_customer_projects.html", takes_context=True)
def customer_projects(context, customer):
    """The projects of ``customer`` (both statuses), for its customer card:
    ``{% load project_tags %}{% customer_projects customer %}``."""
    user = context["request"].user
    return {
        "customer": customer,
        "projects": list(selectors.customer_projects(user, customer)),
        "perms": context.get("perms"),
    }


@register.filter
def customer_label(customer):
    """A customer's name, marked when it is inactive or deleted."""
    return _customer_label(customer) if customer else ""


@register.filter
def hours(value):
    """Hours the Norwegian way, without trailing zeros: 7,5 and 12."""
    if value in (None, ""):
        return ""
    value = Decimal(value).quantize(Decimal("0.01")).normalize()
    return number_format(value, use_l10n=True)

from django import template

from projects.forms import customer_label as _customer_label

register = template.Library()


@register.filter
def customer_label(customer):
    """A customer's name, marked when it is inactive or deleted."""
    return _customer_label(customer) if customer else ""

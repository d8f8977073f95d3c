from django import template

from projects import selectors
from projects.forms import customer_label as _customer_label

register = template.Library()


@register.inclusion_tag("projects/_history.html")
def project_history(project):
    """The project's history for its page: ``{% project_history project %}``."""
    return {"history": selectors.project_history(project)}


@register.filter
def customer_label(customer):
    """A customer's name, marked when it is inactive or deleted."""
    return _customer_label(customer) if customer else ""

from django import template

from accounts import permissions as perms
from projects import selectors
from projects.forms import customer_label as _customer_label

register = template.Library()


@register.inclusion_tag("projects/_history.html", takes_context=True)
def project_history(context, project):
    """The project's history for its page: ``{% project_history project %}``; its
    prices only for whoever sees prices."""
    prices = context["request"].user.has_perm(perms.PRICES)
    return {"history": selectors.project_history(project, prices=prices)}


@register.filter
def customer_label(customer):
    """A customer's name, marked when it is inactive or deleted."""
    return _customer_label(customer) if customer else ""

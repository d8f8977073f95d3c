from django import template

from accounts import permissions as perms
from projects import selectors
from projects.forms import customer_label as _customer_label
from projects.rows import badges

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


@register.simple_tag(takes_context=True)
def project_badges(context, project):
    """``{% project_badges project %}``: its status, "Bak skjema" and, for whoever may see
    hours, "Over budsjett" (projects.rows.badges)."""
    show_budget = context["request"].user.has_perm(perms.PROJECTS_VIEW_ALL)
    return badges(project, show_budget=show_budget)

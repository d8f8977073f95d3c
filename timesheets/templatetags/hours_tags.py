"""Hours in templates: names that survive deletion, and the hours shown on a
customer's and a project's card (the number format is svenn's ``hours`` filter)."""

from django import template
from django.utils.translation import gettext as _

from projects.models import Project
from timesheets import selectors

register = template.Library()


@register.filter
def history_name(obj):
    """The name of a customer or project, marked if it has been deleted since:
    history keeps the name ("Kari Nordmann (slettet)")."""
    if obj is None:
        return ""
    name = f"{obj.number} {obj.name}" if isinstance(obj, Project) else obj.name
    if getattr(obj, "deleted_at", None):
        return _("%(name)s (deleted)") % {"name": name}
    return name


@register.inclusion_tag("timesheets/_customer_hours.html")
def customer_hours(customer):
    """Total and this month's hours on a customer's card."""
    return {"hours": selectors.customer_hours(customer)}


@register.inclusion_tag("timesheets/_project_hours.html")
def project_hours(project):
    """Hours logged on a project against its estimate, for the project's card."""
    return {"hours": selectors.project_hours(project)}

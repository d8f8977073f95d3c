"""The hours shown on a project's card (the number format is
svenn's ``hours`` filter; names that survive deletion are ``display_name``)."""

from django import template

from timesheets import selectors

register = template.Library()


@register.inclusion_tag("timesheets/_project_hours.html")
def project_hours(project):
    """Hours logged on a project against its estimate, for the project's card."""
    return {"hours": selectors.project_hours(project)}

"""The hours shown on a project's card (the number format is
svenn's ``hours`` filter; names that survive deletion are ``display_name``), and
what a user may do with an entry."""

from django import template

from timesheets import selectors, services

register = template.Library()


@register.inclusion_tag("timesheets/_project_hours.html")
def project_hours(project):
    """Hours logged on a project against its estimate, for the project's card."""
    return {"hours": selectors.project_hours(project)}


@register.filter
def approvable_by(entry, user):
    """``{% if entry|approvable_by:user %}``: an open entry the user may approve
    (services.may_approve: not one's own, unless an Administrator)."""
    return not entry.is_approved and services.may_approve(user, entry)

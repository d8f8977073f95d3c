"""The hours shown on a project's card (the number format is
svenn's ``hours`` filter; names that survive deletion are ``display_name``), and the
timer's hidden key."""

import uuid

from django import template
from django.utils.html import format_html

from timesheets import selectors

register = template.Library()


@register.inclusion_tag("timesheets/_project_hours.html")
def project_hours(project):
    """Hours logged on a project against its estimate, for the project's card."""
    return {"hours": selectors.project_hours(project)}


@register.simple_tag
def timer_key():
    """A hidden key for the timer a start form starts (``Timer.key``): its "Stopp"
    names it so, also while the start waits on the phone for the connection."""
    return format_html('<input type="hidden" name="timer_key" value="{}">', uuid.uuid4())

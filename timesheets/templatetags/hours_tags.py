"""The timer's hidden key (the number format of hours is core's ``hours`` filter)."""

import uuid

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def timer_key():
    """A hidden key for the timer a start form starts (``Timer.key``): its "Stopp"
    names it so, also while the start waits on the phone for the connection."""
    return format_html('<input type="hidden" name="timer_key" value="{}">', uuid.uuid4())

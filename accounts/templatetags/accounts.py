import uuid

from django import template
from django.utils.html import format_html

from accounts.idempotency import FIELD

register = template.Library()


@register.filter
def minutes(duration):
    """A timedelta as whole minutes, rounded up: 0:15:00 -> 15."""
    return -(-int(duration.total_seconds()) // 60)


@register.simple_tag
def form_token():
    """A hidden one-time token for a create form (see accounts.idempotency)."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, uuid.uuid4())

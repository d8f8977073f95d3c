from django import template

register = template.Library()


@register.filter
def minutes(duration):
    """A timedelta as whole minutes, rounded up: 0:15:00 -> 15."""
    return -(-int(duration.total_seconds()) // 60)

"""What the hours app adds to other apps' pages (core.panels)."""

from django.template.loader import render_to_string

from accounts import permissions as perms

from . import selectors


def customer_hours(request, customer):
    """Total and this month's hours on the customer card."""
    context = {"hours": selectors.customer_hours(customer)}
    return render_to_string("timesheets/_customer_hours.html", context, request=request)


def running_timer(request, user):
    """The user's running timer in the header of every page (nothing when none runs)."""
    if not user.company_id or not user.has_perm(perms.HOURS_LOG):
        return ""
    timer = selectors.running_timer(request)
    if timer is None:
        return ""
    return render_to_string("timesheets/_timer_header.html", {"timer": timer}, request=request)

"""What the hours app adds to other apps' pages (core.panels)."""

from django.template.loader import render_to_string

from . import selectors


def customer_hours(request, customer):
    """Total and this month's hours on the customer card."""
    context = {"hours": selectors.customer_hours(customer)}
    return render_to_string("timesheets/_customer_hours.html", context, request=request)

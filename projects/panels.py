"""What the projects app adds to other apps' pages (core.panels)."""

from django.template.loader import render_to_string

from . import selectors


def customer_projects(request, customer):
    """The customer card's projects (both statuses)."""
    context = {
        "customer": customer,
        "projects": list(selectors.customer_projects(request.user, customer)),
    }
    return render_to_string("projects/_customer_projects.html", context, request=request)

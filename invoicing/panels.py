"""What invoicing adds to other apps' pages (core.panels): the amounts on the customer
card and the project card, for those who see prices; the margin for those who see
costs. Anyone else gets nothing, not even the heading."""

from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.urls import reverse

from accounts import permissions as perms

from . import selectors
from .forms import basis_query


def _basis_url(amounts, *, customer, project=None):
    """ "Fakturagrunnlag" of what ``amounts`` has not invoiced: its period, from the
    first day to the last day of those hours, takes all of them."""
    if customer is None or amounts.open_from is None:
        return None  # no basis without a customer; nothing to bill
    choice = {
        "customer": customer,
        "project": project,
        "date_from": amounts.open_from,
        "date_to": amounts.open_to,
        "group": "date",
    }
    return f"{reverse('invoicing:basis')}?{urlencode(basis_query(choice))}"


def customer_amounts(request, customer):
    """The customer card (customers): invoiced and not invoiced."""
    if not request.user.has_perm(perms.PRICES):
        return ""
    amounts = selectors.amounts(company=request.user.company, customer=customer)
    context = {"amounts": amounts, "basis_url": _basis_url(amounts, customer=customer)}
    return render_to_string("invoicing/_customer_amounts.html", context, request=request)


def project_amounts(request, project):
    """The project card (projects): invoiced and not invoiced, hours and value against
    the estimate, and the margin."""
    if not request.user.has_perm(perms.PRICES):
        return ""
    estimate = selectors.project_estimate(
        project,
        company=request.user.company,
        with_costs=request.user.has_perm(perms.COSTS),
    )
    context = {
        "estimate": estimate,
        "amounts": estimate.amounts,
        "basis_url": _basis_url(estimate.amounts, customer=project.customer, project=project),
    }
    return render_to_string("invoicing/_project_amounts.html", context, request=request)

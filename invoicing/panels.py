"""What invoicing adds to other apps' pages (core.panels): the amounts on the customer
card and the project card, for those who see prices; the margin for those who see
costs. Anyone else gets nothing, not even the heading. And the materials and driving
lines of an entry (its form) and of a project (its card), for everyone who may see
them, with a price only for those who see prices."""

from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.urls import reverse

from accounts import permissions as perms
from core.money import line_amount

from . import selectors, services
from .forms import basis_query
from .prices import line_price


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


def _shown_lines(request, lines, *, entry_open=None):
    """``lines`` with what their list shows the user: whether they may change, price or
    approve each; the price and amount only for someone who sees prices."""
    user, company = request.user, request.user.company
    prices = user.has_perm(perms.PRICES)
    for line in lines:
        line.may_change = services.line_may_change(user, line, entry_open=entry_open)
        line.may_price = services.line_may_price(user, line)
        line.may_approve = (
            not line.on_entry and not line.is_approved and services.may_approve_line(user, line)
        )
        line.may_reopen = (
            not line.on_entry
            and line.is_approved
            and not line.is_invoiced
            and services.may_reopen_line(user, line)
        )
        if prices:
            line.price = line_price(line, company=company)
            line.amount = None if line.price is None else line_amount(line.quantity, line.price)
    return lines


def entry_lines(request, entry):
    """The entry's form (timesheets): its materials and driving, and the way to add."""
    lines = list(selectors.entry_lines(request.user, entry))
    for line in lines:
        line.entry = entry
    entry_open = services.may_add_line(request.user, entry=entry)
    context = {
        "lines": _shown_lines(request, lines, entry_open=entry_open),
        "may_add": entry_open,
        "create": "invoicing:line_create_entry",
        "owner": entry,
    }
    return render_to_string("invoicing/_job_lines.html", context, request=request)


def entry_invoiced(request, entry):
    """An invoiced entry's page (timesheets): the basis it was billed in, linked for
    those who may open bases; anyone else reads its number only."""
    basis = selectors.standing_basis_of(entry) if entry.is_invoiced else None
    if basis is None:
        return ""
    context = {"basis": basis, "link": request.user.has_perm(perms.INVOICE_BASIS)}
    return render_to_string("invoicing/_entry_invoiced.html", context, request=request)


def project_lines(request, project):
    """The project card (projects): materials and driving directly on the project."""
    lines = list(selectors.project_lines(request.user, project))
    for line in lines:
        line.project = project
    context = {
        "lines": _shown_lines(request, lines),
        "may_add": services.may_add_line(request.user, project=project),
        "create": "invoicing:line_create_project",
        "owner": project,
        "on_project": True,
    }
    return render_to_string("invoicing/_job_lines.html", context, request=request)

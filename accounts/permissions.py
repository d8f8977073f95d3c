"""Who may do what: the one permission table, as docs/architecture.md ("Who may do
what") states it; that page is the source of truth and this module implements it.

Every view asks through ``user.has_perm(PERM)`` or ``@role_required(PERM)``;
no view compares roles itself.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    MODERATOR = "moderator", _("Moderator")
    EMPLOYEE = "employee", _("Employee")


ADMIN, MODERATOR, EMPLOYEE = Role.ADMIN, Role.MODERATOR, Role.EMPLOYEE
MANAGERS = frozenset({ADMIN, MODERATOR})
EVERYONE = frozenset({ADMIN, MODERATOR, EMPLOYEE})

CUSTOMERS_VIEW = "svenn.customers_view"
CUSTOMERS_MANAGE = "svenn.customers_manage"
CUSTOMERS_DELETE = "svenn.customers_delete"
CUSTOMERS_PICK_ANY = "svenn.customers_pick_any"
PROJECTS_VIEW = "svenn.projects_view"
PROJECTS_VIEW_ALL = "svenn.projects_view_all"
PROJECTS_MANAGE = "svenn.projects_manage"
HOURS_LOG = "svenn.hours_log"
HOURS_VIEW_ALL = "svenn.hours_view_all"
HOURS_APPROVE = "svenn.hours_approve"
HOURS_APPROVE_OWN = "svenn.hours_approve_own"
HOURS_EXPORT = "svenn.hours_export"
HOURS_CHANGE_APPROVED = "svenn.hours_change_approved"
USERS_MANAGE = "svenn.users_manage"
COMPANY_MANAGE = "svenn.company_manage"
SECURITY_LOG_VIEW = "svenn.security_log_view"
WORKTIME_VIEW_ALL = "svenn.worktime_view_all"
WORKTIME_MANAGE = "svenn.worktime_manage"
ABSENCE_REQUEST = "svenn.absence_request"
ABSENCE_APPROVE = "svenn.absence_approve"
WEEK_HAND_IN = "svenn.week_hand_in"
WEEK_SEND_BACK = "svenn.week_send_back"
PAYROLL = "svenn.payroll"
PRICES = "svenn.prices"
COSTS = "svenn.costs"
INVOICE_BASIS = "svenn.invoice_basis"
INVOICE_MARK = "svenn.invoice_mark"
INVOICE_REOPEN = "svenn.invoice_reopen"

TABLE = {
    CUSTOMERS_VIEW: MANAGERS,
    CUSTOMERS_MANAGE: MANAGERS,
    CUSTOMERS_DELETE: MANAGERS,
    # Any customer that is not deleted; others pick from projects.selectors.pickable_customers.
    CUSTOMERS_PICK_ANY: MANAGERS,
    PROJECTS_VIEW: EVERYONE,  # an employee sees only the projects they have access to
    PROJECTS_VIEW_ALL: MANAGERS,
    PROJECTS_MANAGE: MANAGERS,
    HOURS_LOG: EVERYONE,
    HOURS_VIEW_ALL: MANAGERS,
    HOURS_APPROVE: MANAGERS,
    # Separation of duties: a Moderator's own hours are approved (or reopened) by
    # someone else; an Administrator may, for a firm with one office person, and the
    # approval then shows as "godkjent av seg selv".
    HOURS_APPROVE_OWN: frozenset({ADMIN}),
    HOURS_EXPORT: MANAGERS,
    HOURS_CHANGE_APPROVED: frozenset({ADMIN}),
    USERS_MANAGE: frozenset({ADMIN}),
    COMPANY_MANAGE: frozenset({ADMIN}),
    SECURITY_LOG_VIEW: frozenset({ADMIN}),
    # Everyone's normal hours, overtime and timebank; one's own come with HOURS_LOG.
    WORKTIME_VIEW_ALL: MANAGERS,
    # Schedules, timebank start balances, overtime rules and the firm's days off.
    WORKTIME_MANAGE: frozenset({ADMIN}),
    ABSENCE_REQUEST: EVERYONE,  # one's own
    # Approve or reject absence and see the absence calendar; one's own request is
    # decided by someone else, except an Administrator's (as HOURS_APPROVE_OWN).
    ABSENCE_APPROVE: MANAGERS,
    WEEK_HAND_IN: EVERYONE,  # one's own week ("Lever uke")
    # See who has handed in a week and "Send tilbake"; one's own week is sent back by
    # someone else, except an Administrator's (as HOURS_APPROVE_OWN).
    WEEK_SEND_BACK: MANAGERS,
    # The firm's wage type codes and the payroll basis ("Lønnsgrunnlag"): pay data is
    # the Administrator's, not a Moderator's.
    PAYROLL: frozenset({ADMIN}),
    # See and set hourly prices, see amounts: an employee never sees a price anywhere.
    PRICES: MANAGERS,
    # See and set what an employee's hour costs the firm, and so a project's margin.
    COSTS: frozenset({ADMIN}),
    # Make and download a fakturagrunnlag (invoicing).
    INVOICE_BASIS: MANAGERS,
    # "Marker som fakturert": a Moderator only where the firm allows it (FIRM_CHOICES).
    INVOICE_MARK: MANAGERS,
    INVOICE_REOPEN: frozenset({ADMIN}),
}

# Permissions a firm grants some roles by its own choice on "Firma": the role and the
# firm's field that must be true for it.
FIRM_CHOICES = {INVOICE_MARK: {MODERATOR: "moderators_may_invoice"}}


def role_allows(user, perm):
    """Whether the firm role of an active firm user grants ``perm`` (and the firm, where
    it is the firm's choice)."""
    if not (user.is_active and getattr(user, "company_id", None) and user.role in TABLE[perm]):
        return False
    choice = FIRM_CHOICES.get(perm, {}).get(user.role)
    return choice is None or bool(getattr(user.company, choice))


def role_required(perm):
    """View decorator: 403 for a logged-in user whose role lacks ``perm``.

    Anonymous users never get here: LoginRequiredMiddleware sends them to log in.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_perm(perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator

"""Writes of invoice bases: mark as invoiced, reopen. Each locks the firm's row first,
so two managers marking at the same moment go one after the other, and the second
finds the hours already invoiced; marking then locks the entries' rows, so no entry
changes between the read of the basis and its write. The database's constraint
(InvoicedEntry "entry_in_one_basis") refuses a second basis for an entry whatever
writes it."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions as perms
from accounts.models import Company
from core.models import next_number
from core.money import ZERO, mva, to_ore
from timesheets.models import TimeEntry
from timesheets.services import entries_set_invoiced

from . import selectors
from .models import InvoiceBasis, InvoicedEntry
from .prices import hourly_rate_of_entry

MAX_REASON = 1000


def _changed():
    return ValidationError(
        _("The basis has changed since you opened it. Check it again, then mark it.")
    )


@transaction.atomic
def basis_mark_invoiced(*, company, by, customer, project=None, date_from, date_to, expected_net):
    """Record the basis of ``customer`` (or ``project``) for the period as invoiced and
    lock its entries. ``expected_net`` is the sum the user saw: if the basis differs now
    (an entry approved, changed or invoiced since), nothing is saved. How the page
    grouped the basis changes none of its sums (invoicing.selectors)."""
    if not by.has_perm(perms.INVOICE_MARK) or company.pk != by.company_id:
        raise PermissionDenied
    Company.objects.select_for_update().get(pk=company.pk)
    # The entries' rows first, in id order: a change, reopening or deletion of one of
    # them (timesheets.services locks the entry) now waits for this basis, and then
    # finds the entry invoiced. Only the firm's row locked, one could slip in between
    # the read of the basis and the write of its lines.
    ids = list(
        selectors.open_entries(
            selectors.period_entries(
                customer=customer, project=project, date_from=date_from, date_to=date_to
            )
        )
        .select_for_update(of=("self",))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    # Read after the lock, so of the rows as they are now and will stay.
    rows = list(
        TimeEntry.objects.filter(pk__in=ids)
        .annotate(rate=hourly_rate_of_entry(company))
        .values("pk", "user_id", "hours", "rate", amount=selectors.entry_amount())
    )
    if not rows:
        raise ValidationError(_("There is nothing to invoice in this basis."))
    net = sum((to_ore(row["amount"]) for row in rows), ZERO)
    if net != Decimal(expected_net):
        raise _changed()
    if not by.has_perm(perms.HOURS_APPROVE_OWN) and any(row["user_id"] == by.pk for row in rows):
        # Separation of duties, as for approval (accounts.permissions).
        raise ValidationError(
            _("The basis holds your own hours: an Administrator marks it as invoiced.")
        )
    at = timezone.now()
    basis = InvoiceBasis.objects.create(
        company=company,
        number=next_number(InvoiceBasis.objects.filter(company=company), first=1),
        customer=customer,
        project=project,
        date_from=date_from,
        date_to=date_to,
        net=net,
        mva=mva(net),
        total=net + mva(net),
        invoiced_at=at,
        invoiced_by=by,
    )
    # Takes only entries still open to a basis: whatever wrote to one of them, a basis
    # never bills an entry unapproved, deleted or already invoiced.
    if entries_set_invoiced(ids=ids, at=at) != len(ids):
        raise _changed()
    InvoicedEntry.objects.bulk_create(
        InvoicedEntry(
            company=company, basis=basis, entry_id=row["pk"], hours=row["hours"], rate=row["rate"]
        )
        for row in rows
    )
    return basis


@transaction.atomic
def basis_reopen(*, basis, by, reason):
    """Undo "Marker som fakturert" (Administrator), with the reason: the basis stays,
    with who, when and why; its entries are open to change and to another basis."""
    if not by.has_perm(perms.INVOICE_REOPEN):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the basis is reopened.")})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": _("Use at most 1000 characters.")})
    current = InvoiceBasis.objects.select_for_update().get(pk=basis.pk)
    if current.is_reopened:
        raise ValidationError(_("This basis has already been reopened."))
    at = timezone.now()
    current.reopened_at, current.reopened_by, current.reopen_reason = at, by, reason
    current.save(update_fields=["reopened_at", "reopened_by", "reopen_reason"])
    lines = current.lines.filter(released_at__isnull=True)
    ids = list(lines.values_list("entry_id", flat=True))
    lines.update(released_at=at)
    entries_set_invoiced(ids=ids, at=None)
    return current

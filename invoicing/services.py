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
from django.utils.translation import gettext_lazy, ngettext

from accounts import permissions as perms
from accounts.models import Company
from core.fields import MONEY_DECIMALS, MONEY_DIGITS
from core.models import next_number
from core.money import ZERO, mva, to_ore
from core.pages import CONFLICT
from projects.selectors import pickable_projects
from timesheets import services as entry_services
from timesheets.models import TimeEntry
from timesheets.services import entries_set_invoiced

from . import selectors
from .models import InvoiceBasis, InvoicedEntry, InvoicedJobLine, JobLine, Kind, Unit
from .prices import line_price_of, with_hourly_rates

MAX_REASON = 1000
# The largest amount a basis can hold (core.fields.MoneyField): 99 999 999,99.
MAX_TOTAL = Decimal(10 ** (MONEY_DIGITS - MONEY_DECIMALS)) - Decimal("0.01")


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
        with_hourly_rates(TimeEntry.objects.filter(pk__in=ids), company).values(
            "pk", "user_id", "hours", "rate", amount=selectors.entry_amount()
        )
    )
    # Then its materials and driving, in id order too (a line's writers lock its entry
    # first, then the line, as this does).
    lines = selectors.period_lines(
        customer=customer, project=project, date_from=date_from, date_to=date_to
    )
    line_ids = list(
        selectors.open_lines(lines)
        .select_for_update(of=("self",))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    line_rows = list(
        JobLine.objects.filter(pk__in=line_ids)
        .annotate(price=line_price_of(company))
        .values("pk", "user_id", "quantity", "price", amount=selectors.job_line_amount())
    )
    if not rows and not line_rows:
        raise ValidationError(_("There is nothing to invoice in this basis."))
    if unpriced := sum(row["price"] is None for row in line_rows):
        # A billing office sends no invoice that leaves out materials or driving.
        raise ValidationError(unpriced_message(unpriced))
    net = sum((to_ore(row["amount"]) for row in [*rows, *line_rows]), ZERO)
    if net != Decimal(expected_net):
        raise _changed()
    if net + mva(net) > MAX_TOTAL:
        raise ValidationError(_("The basis is too large for one invoice: choose a shorter period."))
    own = [row["user_id"] for row in [*rows, *line_rows]]
    if not by.has_perm(perms.HOURS_APPROVE_OWN) and by.pk in own:
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
    if _lines_set_invoiced(ids=line_ids, at=at) != len(line_ids):
        raise _changed()
    InvoicedJobLine.objects.bulk_create(
        InvoicedJobLine(
            company=company,
            basis=basis,
            line_id=row["pk"],
            quantity=row["quantity"],
            unit_price=row["price"],
        )
        for row in line_rows
    )
    return basis


def unpriced_message(count):
    return ngettext(
        "%(count)d line has no price: price it before the basis is marked as invoiced.",
        "%(count)d lines have no price: price them before the basis is marked as invoiced.",
        count,
    ) % {"count": count}


def _lines_set_invoiced(*, ids, at):
    """Lock the lines ``ids`` in a basis as of ``at`` (only those still open to one), or
    release them (``at`` None); how many it took."""
    lines = JobLine.objects.filter(pk__in=ids)
    if at is not None:
        lines = selectors.open_lines(lines.alive())
    return lines.update(invoiced_at=at)


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
    job_lines = current.job_lines.filter(released_at__isnull=True)
    line_ids = list(job_lines.values_list("line_id", flat=True))
    job_lines.update(released_at=at)
    _lines_set_invoiced(ids=line_ids, at=None)
    return current


# Materials and driving ("Materiell", "Kjøring") on an entry or a project

LINE_INVOICED = gettext_lazy("This line is invoiced and can no longer be changed.")
LINE_APPROVED = gettext_lazy("This line is approved and can no longer be changed.")


def line_may_change(user, line, *, entry_open=None):
    """Whether ``user`` may change ``line``. A line on an entry is locked with its entry
    (timesheets.services.can_change: approved, handed in, invoiced; ``entry_open`` is
    that answer when the caller has it already); a line on a project by its own
    approval, as an entry is (an Administrator until invoiced). Never once invoiced."""
    if line.is_invoiced:
        return False
    if line.on_entry:
        return entry_services.can_change(user, line.entry) if entry_open is None else entry_open
    if user.has_perm(perms.HOURS_CHANGE_APPROVED):
        return True
    return line.user_id == user.pk and not line.is_approved


def line_lock(user, line):
    """Why ``user`` may not change ``line`` (``line_may_change``), or None."""
    if line_may_change(user, line):
        return None
    if line.is_invoiced:
        return str(LINE_INVOICED)
    if line.on_entry:
        return entry_services.locked_message(user, line.entry)
    return str(LINE_APPROVED)


def may_add_line(user, *, entry=None, project=None):
    """Whether ``user`` may add a line to ``entry`` (what they may change) or to
    ``project`` (one they may log hours on)."""
    if entry is not None:
        return entry_services.can_change(user, entry)
    return pickable_projects(user).filter(pk=project.pk).exists()


def line_may_price(user, line):
    """Someone who sees prices prices a materials line until it is invoiced, on an
    approved entry too: pricing is the office's, not a change of the work."""
    return (
        user.has_perm(perms.PRICES)
        and not line.is_driving
        and not line.is_invoiced
        and not (line.on_entry and line.entry.is_invoiced)
    )


def _check_price(by, unit_price):
    if unit_price is not None and not by.has_perm(perms.PRICES):
        raise PermissionDenied  # an Ansatt never sets (or sees) a price


def _line_fields(*, kind, values):
    fields = {
        "description": (values.get("description") or "").strip(),
        "quantity": values.get("quantity"),
        "unit": Unit.KM if kind == Kind.DRIVING else values.get("unit") or Unit.PIECE,
        "route": (values.get("route") or "").strip() if kind == Kind.DRIVING else "",
    }
    return fields


def _locked_line(line):
    """The line as saved, locked after its entry (the order "Marker som fakturert"
    locks them in); one deleted since is a message, not a crash."""
    if line.entry_id:
        TimeEntry.objects.locked(line.entry_id)
    current = (
        JobLine.objects.select_related("entry", "updated_by")
        .select_for_update(of=("self",))
        .get(pk=line.pk)
    )
    if current.is_deleted:
        raise ValidationError(_("The line has been deleted."), code=CONFLICT)
    return current


def _check_line_open(by, line):
    if message := line_lock(by, line):
        raise entry_services.EntryLocked(message)


@transaction.atomic
def line_create(
    *, company, by, kind, entry=None, project=None, date=None, unit_price=None, **values
):
    """Add a materials or driving line to ``entry`` (the entry's employee's line) or to
    ``project`` (``by``'s line, of ``date``)."""
    if kind not in Kind.values or (entry is None) == (project is None):
        raise ValidationError(_("A line is on a time entry or on a project."))
    _check_price(by, unit_price)
    line = JobLine(company=company, kind=kind, created_by=by, updated_by=by)
    if entry is not None:
        entry = TimeEntry.objects.locked(entry.pk)
        if entry.is_deleted:
            raise ValidationError(_("The entry has been deleted."), code=CONFLICT)
        if not may_add_line(by, entry=entry):
            raise entry_services.EntryLocked(entry_services.locked_message(by, entry))
        line.entry, line.user = entry, entry.user
    else:
        if not may_add_line(by, project=project):
            raise PermissionDenied
        line.project, line.user, line.date = project, by, date
    for name, value in _line_fields(kind=kind, values=values).items():
        setattr(line, name, value)
    line.unit_price = None if kind == Kind.DRIVING else unit_price
    line.clean_for_save(exclude=["user"])
    line.save()
    return line


KEEP = object()  # line_update: leave the price as it is


@transaction.atomic
def line_update(*, line, by, version, date=None, unit_price=KEEP, **values):
    """Change a line (``version``: the one the user read, as ``entry_update``). The price
    only by someone who sees prices: anyone else's change keeps it."""
    current = _locked_line(line)
    _check_line_open(by, current)
    current.check_version(version)
    if unit_price is not KEEP:
        _check_price(by, unit_price)
        if not current.is_driving:
            current.unit_price = unit_price
    for name, value in _line_fields(kind=current.kind, values=values).items():
        setattr(current, name, value)
    if not current.on_entry and date is not None:
        current.date = date
    current.clean_for_save(exclude=["user"])
    current.version += 1
    current.updated_by = by
    current.save()
    return current


@transaction.atomic
def line_set_price(*, line, by, version, unit_price):
    """Price a materials line (someone who sees prices), on an approved entry too."""
    current = _locked_line(line)
    if not line_may_price(by, current):
        if current.is_invoiced or (current.on_entry and current.entry.is_invoiced):
            raise entry_services.EntryLocked(str(LINE_INVOICED))
        raise PermissionDenied
    current.check_version(version)
    current.unit_price = unit_price
    current.clean_for_save(exclude=["user"])
    current.version += 1
    current.updated_by = by
    current.save(update_fields=["unit_price", "version", "updated_by", "updated_at"])
    return current


@transaction.atomic
def line_delete(*, line, by):
    """Soft delete, as an entry: the row stays, with who deleted it and when."""
    try:
        current = _locked_line(line)
    except ValidationError:
        return line  # deleted twice (a second tab): deleted all the same
    _check_line_open(by, current)
    current.deleted_at = timezone.now()
    current.deleted_by = by
    current.version += 1
    current.save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])
    return current


APPROVAL_FIELDS = ["approved_at", "approved_by", "version", "updated_by", "updated_at"]


def may_approve_line(user, line):
    return not line.on_entry and entry_services.may_approve(user, line)


@transaction.atomic
def line_approve(*, line, by):
    """Approve a line on a project ("Godkjenn"); a line on an entry is approved with
    its entry. One's own only as one's own hours (timesheets.services.may_approve)."""
    if not may_approve_line(by, line):
        raise PermissionDenied
    current = _locked_line(line)
    if current.approved_at is None:
        current.approved_at, current.approved_by = timezone.now(), by
        current.version += 1
        current.updated_by = by
        current.save(update_fields=APPROVAL_FIELDS)
    return current


def may_reopen_line(user, line):
    """Undo a project line's approval as an entry's (timesheets.services.entry_reopen):
    an Administrator, one's own only as approving it."""
    return user.has_perm(perms.HOURS_CHANGE_APPROVED) and may_approve_line(user, line)


@transaction.atomic
def line_reopen(*, line, by):
    """ "Gjenåpne" an approved line on a project, so its owner can change it again;
    never once it is invoiced (the basis is reopened instead)."""
    if not may_reopen_line(by, line):
        raise PermissionDenied
    current = _locked_line(line)
    if current.approved_at is None:
        return current
    if current.is_invoiced:
        raise entry_services.EntryLocked(str(LINE_INVOICED))
    current.approved_at, current.approved_by = None, None
    current.version += 1
    current.updated_by = by
    current.save(update_fields=APPROVAL_FIELDS)
    return current

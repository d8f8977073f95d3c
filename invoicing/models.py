from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import fields
from core.history import events_of
from core.models import FirmModel, FirmQuerySet
from core.tenancy import CompanyOwned, scoped_manager
from timesheets.models import invoiced_triggers


class InvoiceBasis(CompanyOwned):
    """A basis marked as invoiced ("Marker som fakturert"): numbered per firm, with
    who and when, the sums as they were billed, and its entries (InvoicedEntry), which
    are locked while it stands. Reopened, it stays as a record, with who, when and why;
    its entries may be billed again, in a basis of a new number."""

    number = models.PositiveIntegerField(_("number"))
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("customer"),
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("project"),
    )
    date_from = fields.DateField(_("from date"))
    date_to = fields.DateField(_("to date"))
    net = fields.MoneyField(_("sum excl. MVA"))
    mva = fields.MoneyField(_("MVA"))
    total = fields.MoneyField(_("total incl. MVA"))
    invoiced_at = models.DateTimeField(_("invoiced"))
    invoiced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("invoiced by"),
    )
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reopened by"),
    )
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = _("invoice basis")
        verbose_name_plural = _("invoice bases")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="invoice_basis_number"),
            models.CheckConstraint(
                condition=models.Q(reopened_at__isnull=True) | ~models.Q(reopen_reason=""),
                name="invoice_basis_reopened_with_reason",
            ),
        ]

    def __str__(self):
        return f"{self.number}"

    @property
    def is_reopened(self):
        return self.reopened_at is not None


class InvoicedEntry(CompanyOwned):
    """An entry in a basis, with its hours and price as they were billed."""

    basis = models.ForeignKey(
        InvoiceBasis, on_delete=models.PROTECT, related_name="lines", verbose_name=_("basis")
    )
    entry = models.ForeignKey(
        "timesheets.TimeEntry",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("time entry"),
        db_index=False,  # the constraint's index serves lookups by entry
    )
    hours = fields.DecimalField(_("hours"), max_digits=4, decimal_places=2)
    rate = fields.MoneyField(_("hourly price"), null=True, blank=True)
    # Set when the basis is reopened: the entry may be billed again.
    released_at = models.DateTimeField(_("released"), null=True, blank=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = _("invoiced entry")
        verbose_name_plural = _("invoiced entries")
        constraints = [
            # An entry is in at most one standing basis, whoever writes, however many
            # at once: the database refuses the second.
            models.UniqueConstraint(
                fields=["entry"],
                condition=models.Q(released_at__isnull=True),
                name="entry_in_one_basis",
            ),
        ]
        indexes = [models.Index(fields=["basis"], name="invoicedentry_basis")]


class Kind(models.TextChoices):
    MATERIAL = "material", _("Materials")
    DRIVING = "driving", _("Driving")


class Unit(models.TextChoices):
    PIECE = "stk", _("pcs")
    METRE = "m", "m"
    SQUARE_METRE = "m2", "m²"
    CUBIC_METRE = "m3", "m³"
    KILO = "kg", "kg"
    LITRE = "l", "l"
    TONNE = "t", "t"
    PACK = "pakke", _("pack")
    ROLL = "rull", _("roll")
    KM = "km", "km"  # driving's, and only driving's


# A line's quantity: up to 99 999,99 (of a unit, or km), so quantity × the largest
# price stays a Decimal the database and a document's sums can hold.
QUANTITY_DIGITS, QUANTITY_DECIMALS = 7, 2


def validate_quantity(value):
    if value is not None and value <= 0:
        raise ValidationError(_("Enter a quantity more than 0."), code="min_value")


class JobLine(FirmModel):
    """ "Materiell" or "Kjøring" on a job: on a time entry, or directly on a project.
    A line on an entry follows the entry: its approval, its lock (timesheets.services
    ``can_change``), its customer and date; a line on a project has a date and an
    approval of its own. Priced for the invoice basis: materials at their unit price
    (set by someone who sees prices), driving at the firm's rate per km. Locked for
    everyone while it is in an invoice basis, in the database too (the triggers)."""

    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    entry = models.ForeignKey(
        "timesheets.TimeEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="job_lines",
        verbose_name=_("time entry"),
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="job_lines",
        verbose_name=_("project"),
    )
    # Whose line it is: the entry's employee, or who added it to the project.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="job_lines",
        verbose_name=_("employee"),
    )
    date = fields.DateField(_("date"), null=True, blank=True)  # a project's line's own
    # What materials are; for driving, a note besides its from–to (may be empty).
    description = models.CharField(_("description"), max_length=200, blank=True)
    quantity = fields.DecimalField(
        _("quantity"),
        max_digits=QUANTITY_DIGITS,
        decimal_places=QUANTITY_DECIMALS,
        validators=[validate_quantity],
    )
    unit = models.CharField(_("unit"), max_length=10, choices=Unit, default=Unit.PIECE)
    route = models.CharField(_("from–to"), max_length=200, blank=True)
    # Excl. MVA; none until someone who sees prices sets it. Driving has none of its
    # own: it is priced at the firm's rate per km.
    unit_price = fields.MoneyField(_("unit price"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    invoiced_at = models.DateTimeField(_("invoiced"), null=True, blank=True, editable=False)
    # Whose work it is: the entry's customer, or for a line on a project the project's.
    # Kept by the database, never set by the code (the triggers of migration
    # invoicing.0006), so that a customer's basis and card find its lines through an
    # index instead of joining every entry of the customer.
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=False,  # jobline_customer_day serves lookups by customer
        verbose_name=_("customer"),
    )
    # The day of the work: its entry's date, or for a line on a project its own
    # ``date``. Kept by the database as ``customer`` is (invoicing.0007), so that the
    # lines of a customer's period are found by the index of both, not by joining each of
    # the customer's lines to its entry to read the entry's date.
    day = models.DateField(_("day"), null=True, blank=True, editable=False)
    # Where the line stands for the invoice basis, as an entry's billing state
    # (timesheets.models: DONE, READY, WAITING): billable and not invoiced, approved or not
    # yet, by its entry (its billable and approval) or for a line on a project by its
    # project's billable and its own approval; None while its entry is deleted. Kept by
    # the database as ``customer`` is (invoicing.0008), so that the cards sum a customer's
    # lines without joining each to its entry and its project.
    state = models.SmallIntegerField(_("billing state"), null=True, blank=True, editable=False)

    stale_message = _("Someone else changed this line while you were editing it.")

    objects = scoped_manager(FirmQuerySet)

    class Meta:
        verbose_name = _("materials or driving line")
        verbose_name_plural = _("materials and driving lines")
        ordering = ["id"]
        constraints = [
            # On an entry (which gives it a project, a date and an approval), or on a
            # project with a date of its own: exactly one of the two.
            models.CheckConstraint(
                condition=(
                    models.Q(
                        entry__isnull=False,
                        project__isnull=True,
                        date__isnull=True,
                        approved_at__isnull=True,
                    )
                    | models.Q(entry__isnull=True, project__isnull=False, date__isnull=False)
                ),
                name="job_line_on_entry_or_project",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=Decimal("0")), name="job_line_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(kind=Kind.MATERIAL) & ~models.Q(unit=Unit.KM)
                | models.Q(kind=Kind.DRIVING, unit=Unit.KM, unit_price__isnull=True),
                name="job_line_driving_in_km",
            ),
            models.CheckConstraint(
                condition=models.Q(unit_price__isnull=True) | models.Q(unit_price__gte=0),
                name="job_line_price_not_negative",
            ),
        ]
        # As an invoiced entry: changed only by leaving its basis, deleted never.
        triggers = invoiced_triggers(
            locked="job_line_invoiced_locked", kept="job_line_invoiced_kept"
        )
        indexes = [
            models.Index(fields=["company", "project", "date"], name="jobline_project_date"),
            models.Index(fields=["company", "customer", "day"], name="jobline_customer_day"),
        ]

    def __str__(self):
        return f"{self.description} {self.quantity} {self.unit}"

    def clean(self):
        super().clean()
        if self.is_driving != (self.unit == Unit.KM):
            raise ValidationError({"unit": _("Driving is in km, and only driving.")})
        if not self.is_driving and not self.description:
            raise ValidationError({"description": _("Say what the materials are.")})
        if self.is_driving and not self.route:
            raise ValidationError({"route": _("Say where the driving went from and to.")})

    @property
    def is_driving(self):
        return self.kind == Kind.DRIVING

    @property
    def is_invoiced(self):
        return self.invoiced_at is not None

    @property
    def on_entry(self):
        return self.entry_id is not None

    @property
    def is_approved(self):
        """An entry's line is approved with its entry; a project's line on its own."""
        if self.on_entry:
            return self.entry.is_approved
        return self.approved_at is not None


class JobLineEvent(
    events_of(
        JobLine,
        # The entry's or project's, whose own history has them.
        exclude=["customer", "day", "state"],
        verbose_name=_("materials or driving line event"),
        verbose_name_plural=_("materials and driving line events"),
        indexes=[models.Index(fields=["company", "pgh_obj"], name="joblineevent_obj")],
    )
):
    """The line after each change, and the old line on delete (written by a trigger, see
    core.history): who priced, approved, reopened or changed it, and when."""


class InvoicedJobLine(CompanyOwned):
    """A materials or driving line in a basis, with its quantity and price as billed."""

    basis = models.ForeignKey(
        InvoiceBasis, on_delete=models.PROTECT, related_name="job_lines", verbose_name=_("basis")
    )
    line = models.ForeignKey(
        JobLine,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("line"),
        db_index=False,  # the constraint's index serves lookups by line
    )
    quantity = fields.DecimalField(
        _("quantity"), max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_DECIMALS
    )
    unit_price = fields.MoneyField(_("unit price"))
    released_at = models.DateTimeField(_("released"), null=True, blank=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = _("invoiced line")
        verbose_name_plural = _("invoiced lines")
        constraints = [
            # As entry_in_one_basis: a line is in at most one standing basis.
            models.UniqueConstraint(
                fields=["line"],
                condition=models.Q(released_at__isnull=True),
                name="job_line_in_one_basis",
            ),
        ]
        indexes = [models.Index(fields=["basis"], name="invoicedjobline_basis")]

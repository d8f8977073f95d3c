from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import fields
from core.tenancy import CompanyOwned, scoped_manager


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

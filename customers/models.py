import re
import unicodedata
import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.fields import MoneyField, OrgNumberField, PhoneNumberField, PostalCodeField
from core.history import events_of
from core.models import FirmModel, FirmQuerySet, KeptHours
from core.tenancy import CompanyOwned, scoped_manager
from core.validators import format_org_number, format_phone

# Letters NFKD does not split into a base letter and an accent.
_FOLD = str.maketrans({"ø": "o", "æ": "ae", "ß": "ss", "đ": "d", "ł": "l"})


def search_key(text):
    """Lower-case ``text`` and strip accents, so "Bjørn Ås" and "bjorn as" compare equal.

    Both the stored ``Customer.search_text`` and every search query go through this.
    """
    text = unicodedata.normalize("NFKD", str(text).lower().translate(_FOLD))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return re.sub(r"\s+", " ", text).strip()


class CustomerKind(models.TextChoices):
    COMPANY = "company", _("Company")
    PERSON = "person", _("Private person")


class CustomerQuerySet(FirmQuerySet):
    def active(self):
        return self.alive().filter(is_active=True)

    def inactive(self):
        return self.alive().filter(is_active=False)


NUMBER_TAKEN = _("Another customer already has this number.")
ORG_NUMBER_TAKEN = _("Another customer already has this organisation number.")


class Customer(FirmModel):
    """A firm's customer ("Kunde"). Never hard-deleted: ``deleted_at`` hides it from
    lists and pickers while time entries and projects keep pointing at it."""

    number = models.PositiveIntegerField(_("customer number"), validators=[MinValueValidator(1)])
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("type"), max_length=10, choices=CustomerKind, default=CustomerKind.COMPANY
    )
    org_number = OrgNumberField(_("organisation number"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = PostalCodeField(_("postal code"), blank=True)
    postal_place = models.CharField(_("postal place"), max_length=100, blank=True)
    invoice_address = models.CharField(
        _("invoice address / invoice e-mail"), max_length=300, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    # More specific than the firm's, less than a project's (invoicing.prices).
    hourly_rate = MoneyField(
        _("hourly price"),
        null=True,
        blank=True,
        help_text=_("NOK excl. MVA; empty: the firm's price."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    # Lower-cased, accent-free text of name, numbers, e-mail, phone and contact
    # names, kept by the services; a trigram index makes substring search fast.
    search_text = models.TextField(editable=False, default="")

    stale_message = _("The customer has been changed by %(name)s since you opened it.")

    objects = scoped_manager(CustomerQuerySet)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "number"],
                name="customer_number_per_company",
                violation_error_message=NUMBER_TAKEN,
            ),
            # One customer per company in a firm. Deleted customers keep theirs, as they
            # keep their numbers: the history and an import still find them by it.
            models.UniqueConstraint(
                fields=["company", "org_number"],
                condition=~models.Q(org_number=""),
                name="customer_org_number_per_company",
                violation_error_message=ORG_NUMBER_TAKEN,
            ),
        ]
        indexes = [
            # Substring search within one firm: company_id (btree_gin) + trigrams.
            GinIndex(
                fields=["company", "search_text"],
                opclasses=["int8_ops", "gin_trgm_ops"],
                name="customer_search_trgm",
            ),
            # The list's default order, per firm, without deleted customers. With the id
            # in it, a page far down ("?page=200") is read from the index alone: a walk
            # through the heap made the planner sort the firm instead once the table
            # held ten times the firms.
            models.Index(
                fields=["company", "is_active", "name", "number"],
                include=["id"],
                condition=models.Q(deleted_at__isnull=True),
                name="customer_list_page",
            ),
            # Pickers offer active and inactive customers by name (the basis's deleted
            # ones too: they may have hours to bill): walking this index they stop after
            # a page instead of sorting the whole firm.
            models.Index(
                fields=["company", "name", "number"],
                name="customer_name",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("customers:detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.org_number and self.kind != CustomerKind.COMPANY:
            raise ValidationError({"org_number": _("Only a company has an organisation number.")})

    @property
    def org_number_display(self):
        return format_org_number(self.org_number)

    @property
    def phone_display(self):
        return format_phone(self.phone)


class CustomerHours(KeptHours):
    """The hours logged for a customer: the customer card's "Totalt"."""

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, primary_key=True, related_name="logged"
    )

    class Meta:
        verbose_name = _("logged hours of a customer")
        verbose_name_plural = _("logged hours of customers")


class ContactPerson(CompanyOwned):
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("customer")
    )
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=100, blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["id"]
        indexes = [models.Index(fields=["company", "customer"], name="contact_company_customer")]

    def __str__(self):
        return self.name

    @property
    def phone_display(self):
        return format_phone(self.phone)


class CustomerEvent(
    events_of(
        Customer,
        exclude=["search_text"],
        verbose_name=_("customer event"),
        verbose_name_plural=_("customer events"),
        indexes=[models.Index(fields=["company", "pgh_obj"], name="customerevent_obj")],
    )
):
    """The customer after each change (written by a trigger, see core.history);
    ``search_text`` is derived from the rest and left out."""


class ContactPersonEvent(
    events_of(
        ContactPerson,
        verbose_name=_("contact person event"),
        verbose_name_plural=_("contact person events"),
        indexes=[models.Index(fields=["company", "customer"], name="contactevent_customer")],
    )
):
    """A contact person after each change; the card's history reads them by customer."""


class DuplicateChoice(models.TextChoices):
    SKIP = "skip", _("Skip them")
    UPDATE = "update", _("Update the existing customers")


class CustomerImport(CompanyOwned):
    """A file of customers uploaded for "Importer kunder", kept in the database until it
    is imported (any app server or worker reads it from here) and a day at most."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    filename = models.CharField(_("file name"), max_length=255)
    data = models.BinaryField()
    # One field name (customers.imports.TARGETS) or "" per column of the file.
    mapping = models.JSONField(default=list)
    on_duplicate = models.CharField(
        max_length=10, choices=DuplicateChoice, default=DuplicateChoice.SKIP
    )
    skip_invalid = models.BooleanField(default=False)

    objects = scoped_manager()

    class Meta:
        verbose_name = _("customer import")
        verbose_name_plural = _("customer imports")

    def __str__(self):
        return self.filename

import re
import unicodedata

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.history import events_of
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


class CustomerQuerySet(models.QuerySet):
    def alive(self):
        """Not deleted: what lists, search and pickers show."""
        return self.filter(deleted_at__isnull=True)

    def active(self):
        return self.alive().filter(is_active=True)

    def inactive(self):
        return self.alive().filter(is_active=False)


class Customer(CompanyOwned):
    """A firm's customer ("Kunde"). Never hard-deleted: ``deleted_at`` hides it from
    lists and pickers while time entries and projects keep pointing at it."""

    number = models.PositiveIntegerField(_("customer number"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("type"), max_length=10, choices=CustomerKind, default=CustomerKind.COMPANY
    )
    org_number = models.CharField(_("organisation number"), max_length=9, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=4, blank=True)
    postal_place = models.CharField(_("postal place"), max_length=100, blank=True)
    invoice_address = models.CharField(
        _("invoice address / invoice e-mail"), max_length=300, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    # Lower-cased, accent-free text of name, numbers, e-mail, phone and contact
    # names, kept by the services; a trigram index makes substring search fast.
    search_text = models.TextField(editable=False, default="")
    # Optimistic locking: a save must carry the version it was read at.
    version = models.PositiveIntegerField(default=1, editable=False)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deleted by"),
    )

    stale_message = _("The customer has been changed by %(name)s since you opened it.")

    objects = scoped_manager(CustomerQuerySet)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "number"], name="customer_number_per_company"
            ),
        ]
        indexes = [
            # Substring search within one firm: company_id (btree_gin) + trigrams.
            GinIndex(
                fields=["company", "search_text"],
                opclasses=["int8_ops", "gin_trgm_ops"],
                name="customer_search_trgm",
            ),
            # The list's default order, per firm, without deleted customers.
            models.Index(
                fields=["company", "is_active", "name", "number"],
                condition=models.Q(deleted_at__isnull=True),
                name="customer_list_order",
            ),
            # Pickers offer active and inactive customers by name: walking this index
            # they stop after a page instead of sorting the whole firm.
            models.Index(
                fields=["company", "name", "number"],
                condition=models.Q(deleted_at__isnull=True),
                name="customer_alive_name",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_deleted(self):
        return self.deleted_at is not None

    @property
    def display_name(self):
        """The name as projects and time entries show it: "Kari Nordmann (deleted)"
        once the customer is deleted, so history keeps the name and says why it is gone."""
        if self.is_deleted:
            return _("%(name)s (deleted)") % {"name": self.name}
        return self.name

    @property
    def org_number_display(self):
        return format_org_number(self.org_number)

    @property
    def phone_display(self):
        return format_phone(self.phone)


class ContactPerson(CompanyOwned):
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("customer")
    )
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
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

"""Writes of customers: every change goes through here, validated; the database
records each one in the history (customers.models.CustomerEvent)."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import StaleVersion
from core.validators import clean_org_number, clean_phone, is_postal_code

from .models import ContactPerson, Customer, CustomerKind, search_key

FIRST_NUMBER = 10000

# The fields of the card a user edits, in the order the history lists them.
FIELDS = [
    "name",
    "number",
    "kind",
    "org_number",
    "email",
    "phone",
    "address",
    "postal_code",
    "postal_place",
    "invoice_address",
    "note",
]
CONTACT_FIELDS = ["name", "title", "phone", "email"]


def customer_next_number(*, company):
    """The suggested number of a new customer: one above the firm's highest
    (deleted customers keep their numbers, so they count too)."""
    highest = Customer.objects.filter(company=company).aggregate(top=Max("number"))["top"]
    return FIRST_NUMBER if highest is None else highest + 1


def _clean_customer(company, data, pk=None):
    """Normalise and validate the card's fields; raise ValidationError per field."""
    data = {field: data.get(field, "") for field in FIELDS}
    for field in FIELDS:
        if isinstance(data[field], str):
            data[field] = data[field].strip()
    errors = {}
    if not data["name"]:
        errors["name"] = _("Enter the customer's name.")
    if data["number"] in ("", None):
        data["number"] = customer_next_number(company=company)
    elif not isinstance(data["number"], int) or data["number"] < 1:
        errors["number"] = _("Enter a whole number above zero.")
    elif Customer.objects.filter(company=company, number=data["number"]).exclude(pk=pk).exists():
        errors["number"] = _("Another customer already has this number.")
    if data["kind"] not in CustomerKind.values:
        errors["kind"] = _("Choose company or private person.")
    if data["org_number"]:
        if data["kind"] != CustomerKind.COMPANY:
            errors["org_number"] = _("Only a company has an organisation number.")
        else:
            try:
                data["org_number"] = clean_org_number(data["org_number"])
            except ValidationError as error:
                errors["org_number"] = error.messages[0]
    _clean_email_and_phone(data, errors)
    if data["postal_code"] and not is_postal_code(data["postal_code"]):
        errors["postal_code"] = _("A postal code has 4 digits.")
    if errors:
        raise ValidationError(errors)
    return data


def _clean_email_and_phone(data, errors):
    if data["email"]:
        try:
            validate_email(data["email"])
        except ValidationError:
            errors["email"] = _("Enter a valid e-mail address.")
    if data["phone"]:
        try:
            data["phone"] = clean_phone(data["phone"])
        except ValidationError as error:
            errors["phone"] = error.messages[0]


def _clean_contacts(contacts):
    cleaned = []
    for index, contact in enumerate(contacts):
        row = {field: (contact.get(field) or "").strip() for field in CONTACT_FIELDS}
        row["id"] = contact.get("id")
        errors = {}
        if not row["name"]:
            errors["name"] = _("Enter the contact person's name.")
        _clean_email_and_phone(row, errors)
        if errors:
            raise ValidationError({f"contacts-{index}-{f}": m for f, m in errors.items()})
        cleaned.append(row)
    return cleaned


def _contacts_summary(contacts):
    return ", ".join(
        f"{c['name']} ({c['title']})" if c.get("title") else c["name"] for c in contacts
    )


def _contact_rows(customer):
    return [
        {field: getattr(contact, field) for field in ["id", *CONTACT_FIELDS]}
        for contact in customer.contacts.all()
    ]


def customer_refresh_search_text(*, customer):
    """Rebuild what search matches: name, number, org nr, e-mail, phone, contact names."""
    contacts = " ".join(customer.contacts.values_list("name", flat=True))
    parts = [
        customer.name,
        str(customer.number),
        customer.org_number,
        customer.email,
        customer.phone,
        contacts,
    ]
    customer.search_text = search_key(" ".join(part for part in parts if part))
    Customer.objects.filter(pk=customer.pk).update(search_text=customer.search_text)


def _save_contacts(customer, contacts):
    existing = {contact.pk: contact for contact in customer.contacts.all()}
    keep = set()
    for row in contacts:
        values = {field: row[field] for field in CONTACT_FIELDS}
        contact = existing.get(_as_int(row.get("id")))
        if contact is None:
            ContactPerson.objects.create(company=customer.company, customer=customer, **values)
            continue
        keep.add(contact.pk)
        if any(getattr(contact, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(contact, field, value)
            contact.save()
    gone = set(existing) - keep
    if gone:
        ContactPerson.objects.filter(pk__in=gone).delete()


def _as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _save_number_safely(customer, **kwargs):
    """Save, turning a lost race for the same number into a field error."""
    try:
        with transaction.atomic():
            customer.save(**kwargs)
    except IntegrityError as error:
        raise ValidationError({"number": _("Another customer already has this number.")}) from error


@transaction.atomic
def customer_create(*, company, by, data, contacts=()):
    """Create a customer and its contact persons in one transaction."""
    values = _clean_customer(company, data)
    contact_rows = _clean_contacts(contacts)
    customer = Customer(company=company, created_by=by, updated_by=by, **values)
    _save_number_safely(customer)
    _save_contacts(customer, contact_rows)
    customer_refresh_search_text(customer=customer)
    return customer


@transaction.atomic
def customer_update(*, customer, by, version, data, contacts):
    """Save the card. ``version`` is the one the user's form was read at: if someone
    saved in between, raise StaleVersion and change nothing."""
    current = (
        Customer.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .get(pk=customer.pk)
    )
    if current.version != int(version):
        raise StaleVersion(current)
    values = _clean_customer(current.company_id, {"number": current.number, **data}, pk=current.pk)
    contact_rows = _clean_contacts(contacts)
    changes = {
        field: [getattr(current, field), value]
        for field, value in values.items()
        if getattr(current, field) != value
    }
    before = _contacts_summary(_contact_rows(current))
    after = _contacts_summary(contact_rows)
    if before != after:
        changes["contacts"] = [before, after]
    if not changes:
        return current
    for field, value in values.items():
        setattr(current, field, value)
    current.version += 1
    current.updated_by = by
    _save_number_safely(current)
    _save_contacts(current, contact_rows)
    customer_refresh_search_text(customer=current)
    return current


@transaction.atomic
def customer_set_active(*, customer, by, active):
    """Move a customer between the Aktive and Inaktive tabs; nothing else changes."""
    if customer.is_deleted:
        raise ValidationError(_("A deleted customer cannot change status."))
    if customer.is_active == active:
        return customer
    customer.is_active = active
    Customer.objects.filter(pk=customer.pk).update(is_active=active)
    return customer


@transaction.atomic
def customer_delete(*, customer, by):
    """Soft delete: the customer leaves lists, search and pickers; projects, time
    entries and history still point at it and show its name."""
    if customer.is_deleted:
        return customer
    customer.deleted_at = timezone.now()
    customer.deleted_by = by
    Customer.objects.filter(pk=customer.pk).update(deleted_at=customer.deleted_at, deleted_by=by)
    return customer


@transaction.atomic
def customer_restore(*, customer, by):
    """Undo a soft delete (platform staff, through the Django admin)."""
    if not customer.is_deleted:
        return customer
    customer.deleted_at = None
    customer.deleted_by = None
    Customer.objects.filter(pk=customer.pk).update(deleted_at=None, deleted_by=None)
    return customer

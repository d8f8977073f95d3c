"""Writes of customers: every change goes through here. The field rules are the
model's (customers.models, applied by ``full_clean``); these functions keep the rest:
the version, the state, the unique number when two save at once. The database records
each change in the history (customers.models.CustomerEvent)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import next_number, violates

from .models import (
    NUMBER_TAKEN,
    ORG_NUMBER_TAKEN,
    ContactPerson,
    Customer,
    CustomerImport,
    search_key,
)

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
    "hourly_rate",
]
CONTACT_FIELDS = ["name", "title", "phone", "email"]


def customer_next_number(*, company):
    """The suggested number of a new customer: one above the firm's highest
    (deleted customers keep their numbers, so they count too)."""
    return next_number(Customer.objects.filter(company=company), first=FIRST_NUMBER)


def _check(customer, contacts):
    """The model's rules for the card and its contact persons (Customer and
    ContactPerson hold them, for the card form and the Django admin too); every
    error at once, the contact persons' under their form prefix."""
    errors = {}
    try:
        customer.clean_for_save(exclude=["search_text"])
    except ValidationError as error:
        errors.update(error.message_dict)
    for index, contact in enumerate(contacts):
        try:
            contact.full_clean(exclude=["id", "company", "customer"])
        except ValidationError as error:
            errors.update({f"contacts-{index}-{f}": m for f, m in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)


def _contact_persons(contacts):
    """Unsaved ContactPerson objects (with the id they had, if any) for ``contacts``."""
    return [
        ContactPerson(
            pk=_as_int(contact.get("id")),
            **{field: (contact.get(field) or "").strip() for field in CONTACT_FIELDS},
        )
        for contact in contacts
    ]


def _contact_values(persons):
    return [
        {"id": person.pk, **{field: getattr(person, field) for field in CONTACT_FIELDS}}
        for person in persons
    ]


def _contacts_summary(contacts):
    return ", ".join(
        f"{c['name']} ({c['title']})" if c.get("title") else c["name"] for c in contacts
    )


def _contact_rows(customer):
    return [
        {field: getattr(contact, field) for field in ["id", *CONTACT_FIELDS]}
        for contact in customer.contacts.all()
    ]


def search_text_of(customer, contact_names):
    """What search matches: name, number, org nr, e-mail, phone, contact names."""
    parts = [
        customer.name,
        str(customer.number),
        customer.org_number,
        customer.email,
        customer.phone,
        *contact_names,
    ]
    return search_key(" ".join(part for part in parts if part))


def customer_refresh_search_text(*, customer):
    contacts = customer.contacts.values_list("name", flat=True)
    customer.search_text = search_text_of(customer, contacts)
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


# How often a number the service chose is chosen again after losing it to a
# concurrent save; each loss means another customer was created meanwhile.
NUMBER_ATTEMPTS = 5


def _save_safely(customer, *, number_chosen=False):
    """Save, the database constraints having the last word under a race: a lost race
    for the same org. no. or number becomes a field error, unless the number was the
    service's own choice (``number_chosen``), which is then chosen again."""
    for attempt in range(1, NUMBER_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                customer.save()
            return
        except IntegrityError as error:
            if violates(error, "customer_org_number_per_company"):
                raise ValidationError({"org_number": ORG_NUMBER_TAKEN}) from error
            if not violates(error, "customer_number_per_company"):
                raise
            if not number_chosen or attempt == NUMBER_ATTEMPTS:
                raise ValidationError({"number": NUMBER_TAKEN}) from error
            customer.number = customer_next_number(company=customer.company)


def _values(data, **defaults):
    defaults = {"hourly_rate": None, **defaults}  # a number: none given is None, not ""
    return {field: data.get(field, defaults.get(field, "")) for field in FIELDS}


@transaction.atomic
def customer_create(*, company, by, data, contacts=()):
    """Create a customer and its contact persons in one transaction; without a
    number, the next free one at the moment of saving."""
    values = _values(data)
    number_chosen = values["number"] in ("", None)
    if number_chosen:
        values["number"] = customer_next_number(company=company)
    customer = Customer(company=company, created_by=by, updated_by=by, **values)
    persons = _contact_persons(contacts)
    _check(customer, persons)
    _save_safely(customer, number_chosen=number_chosen)
    _save_contacts(customer, _contact_values(persons))
    customer_refresh_search_text(customer=customer)
    return customer


@transaction.atomic
def customer_update(*, customer, by, version, data, contacts=None):
    """Save the card. ``version`` is the one the user's form was read at: if someone
    saved in between, raise StaleVersion and change nothing. ``contacts`` replace the
    contact persons; None keeps them as they are."""
    current = Customer.objects.locked(customer.pk)
    current.check_version(version)
    saved = {field: getattr(current, field) for field in FIELDS}
    for field, value in _values(data, number=current.number).items():
        setattr(current, field, value)
    persons = _contact_persons(_contact_rows(current) if contacts is None else contacts)
    _check(current, persons)
    contact_rows = _contact_values(persons)
    changes = {
        field: [value, getattr(current, field)]
        for field, value in saved.items()
        if getattr(current, field) != value
    }
    before = _contacts_summary(_contact_rows(current))
    after = _contacts_summary(contact_rows)
    if before != after:
        changes["contacts"] = [before, after]
    if not changes:
        return current
    current.version += 1
    current.updated_by = by
    _save_safely(current)
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
    customer.is_active, customer.updated_by, customer.updated_at = active, by, timezone.now()
    Customer.objects.filter(pk=customer.pk).update(
        is_active=active, updated_by=by, updated_at=customer.updated_at
    )
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
    customer.deleted_at = customer.deleted_by = None
    customer.updated_by, customer.updated_at = by, timezone.now()
    Customer.objects.filter(pk=customer.pk).update(
        deleted_at=None, deleted_by=None, updated_by=by, updated_at=customer.updated_at
    )
    return customer


def customer_import_upload(*, company, by, filename, data, mapping):
    """Keep an uploaded file of customers for its import, with the columns as
    recognised (customers.imports.guess_mapping)."""
    return CustomerImport.objects.create(
        company=company, created_by=by, filename=filename[:255], data=data, mapping=mapping
    )


def customer_import_choose(*, upload, mapping, on_duplicate, skip_invalid):
    """The user's choices for an uploaded file: the field of each column, and what to do
    with customers already in the firm and rows with problems."""
    upload.mapping, upload.on_duplicate, upload.skip_invalid = mapping, on_duplicate, skip_invalid
    upload.save(update_fields=["mapping", "on_duplicate", "skip_invalid"])
    return upload

"""'Importer kunder': customers from a CSV or Excel file, as a plain service.

1. ``guess_mapping``: each column of the file gets the card field its header names,
   in Norwegian or English, as accounting systems (Tripletex, PowerOffice Go, Fiken,
   Visma) and our own export (customers.exports) write them; the user corrects it.
2. ``check_rows``: every row goes through the card's own rules (the card form's
   fields, then the model's ``full_clean``, as the card applies them) without a query.
3. ``plan``: one read of the firm's customers (active, inactive and deleted) finds
   the rows that are already customers (same org. no. or customer number; for a row
   with neither, the same name) and the rows that repeat an earlier row of the file;
   a row whose number is another customer's, in the firm or earlier in the file, is
   a problem of its own, so the check finds what the database would refuse.
4. ``apply``: in one transaction, bulk inserts and updates; the history triggers
   record each customer as "Importert fra <file name>" (the write's context).

``import_customers`` runs them in order and reports progress through a callback
(the background job's); a dry run stops after ``plan``.
"""

from dataclasses import dataclass, field

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.tables import read_table

from . import forms
from .models import (
    NUMBER_TAKEN,
    ContactPerson,
    Customer,
    CustomerKind,
    DuplicateChoice,
    search_key,
)
from .selectors import FIELD_LABELS, name_key
from .services import CONTACT_FIELDS, FIELDS, customer_next_number, search_text_of

# The background job that checks and imports a file (customers/jobs.py).
JOB = "customers.import"

# The fields a column can fill, in the mapping's dropdown order ("" leaves it out).
CONTACT_TARGETS = {
    "contact_name": "name",
    "contact_title": "title",
    "contact_phone": "phone",
    "contact_email": "email",
}
TARGETS = {
    "": gettext_lazy("Do not import"),
    **{name: FIELD_LABELS[name] for name in FIELDS},
    "other_phone": gettext_lazy("Phone, where the first phone column is empty"),
    "is_active": gettext_lazy("Status (active/inactive)"),
    "contact_name": gettext_lazy("Contact person"),
    "contact_title": gettext_lazy("Contact person's title"),
    "contact_phone": gettext_lazy("Contact person's phone"),
    "contact_email": gettext_lazy("Contact person's e-mail"),
}

# Headers as the common systems and spreadsheets write them (space-separated), compared
# by ``header_key`` (lower case, no accents, spaces or punctuation): "Org.nr." is "orgnr".
HEADERS = {
    "number": (
        "kundenummer kundenr kundeid kunde nr nummer customernumber customerno "
        "customernr customerid number no id"
    ),
    "name": (
        "navn kundenavn firmanavn bedriftsnavn selskap firma name customername "
        "companyname company fulltnavn fullname"
    ),
    "kind": "type kundetype kategori customertype kind",
    "org_number": (
        "organisasjonsnummer orgnr orgnummer organisasjonsnr foretaksnummer "
        "organizationnumber organisationnumber orgno organizationno companynumber "
        "vatnumber mvanummer"
    ),
    "email": "epost epostadresse email emailaddress mail mailadresse",
    "phone": (
        "telefon telefonnummer tlf tlfnr mobil mobilnummer mobiltelefon phone "
        "phonenumber telephone mobile mobilephone cellphone"
    ),
    "address": (
        "adresse postadresse gateadresse besoksadresse forretningsadresse "
        "adresselinje1 postadresselinje1 forretningsadresselinje1 address address1 "
        "addressline1 street streetaddress postaladdress"
    ),
    "postal_code": (
        "postnr postnummer postadressepostnummer forretningsadressepostnummer "
        "postalcode postcode zip zipcode"
    ),
    "postal_place": (
        "poststed sted by postadressested postadressepoststed "
        "forretningsadressested city town place postalplace"
    ),
    "invoice_address": (
        "fakturaadresse fakturaepost epostforfaktura invoiceaddress invoiceemail "
        "billingaddress billingemail"
    ),
    "note": "notat merknad kommentar beskrivelse note notes comment",
    "is_active": "status aktiv active inaktiv inactive",
    "contact_name": "kontaktperson kontakt kontaktnavn contact contactperson contactname",
    "contact_title": "kontaktpersontittel tittel stilling contacttitle title",
    "contact_phone": (
        "kontaktpersontelefon kontakttelefon kontaktpersonmobil contactphone contactmobile"
    ),
    "contact_email": "kontaktpersonepost kontaktepost contactemail",
}
ALIASES = {alias: target for target, names in HEADERS.items() for alias in names.split()}

# Words for the card's kind and status, in both languages and as our export writes them.
KINDS = {
    **dict.fromkeys(
        [
            "bedrift",
            "firma",
            "selskap",
            "foretak",
            "company",
            "business",
            "organisasjon",
            "organization",
            "organisation",
        ],
        CustomerKind.COMPANY,
    ),
    **dict.fromkeys(
        [
            "privatperson",
            "privat",
            "person",
            "privatkunde",
            "private",
            "individual",
            "consumer",
            "forbruker",
        ],
        CustomerKind.PERSON,
    ),
}
STATUSES = {
    **dict.fromkeys(["aktiv", "active", "ja", "yes", "1", "true", "sann"], True),
    **dict.fromkeys(["inaktiv", "inactive", "nei", "no", "0", "false", "usann"], False),
}
# How many problems and duplicates a summary names (every one is counted).
LISTED = 500
# Rows between two progress reports.
PROGRESS_EVERY = 500
BATCH = 1000


def header_key(header):
    return "".join(char for char in search_key(header) if char.isalnum())


def guess_mapping(header):
    """The field each column's header names, or "" (each field for one column only)."""
    taken, mapping = set(), []
    for title in header:
        target = ALIASES.get(header_key(title), "")
        if target == "phone" and target in taken:
            target = "other_phone"  # "Telefon" and "Mobil": the second where the first is empty
        if target in taken:
            target = ""
        taken.add(target)
        mapping.append(target)
    return mapping


def mapping_errors(mapping):
    """The fields more than one column is mapped to, and whether a name is mapped."""
    chosen = [target for target in mapping if target]
    errors = [
        _("Two columns are imported as %(field)s: choose one.") % {"field": TARGETS[target]}
        for target in dict.fromkeys(chosen)
        if chosen.count(target) > 1
    ]
    if "name" not in chosen:
        errors.append(_("Choose the column that holds the customer's name."))
    return errors


@dataclass
class Row:
    """One row of the file: its number, the card it makes (a Customer not saved), its
    contact person's values, what the file gave (``given``) and what is wrong."""

    number: int
    customer: Customer | None = None
    contact: dict | None = None
    given: set = field(default_factory=set)
    status: bool | None = None
    errors: list = field(default_factory=list)  # (target, message)

    @property
    def key(self):
        """What tells this customer apart in a file: its org. no., else its number,
        else its name."""
        if self.customer.org_number:
            return ("org_number", self.customer.org_number)
        if self.customer.number:
            return ("number", self.customer.number)
        return ("name", name_key(self.customer.name))


def _messages(error):
    return [str(message) for message in error.messages]


def _clean_fields(form_fields, values, errors, prefix=""):
    """Each value through its card form field, as the card's form cleans it."""
    cleaned = {}
    for name, value in values.items():
        try:
            cleaned[name] = form_fields[name].clean(value)
        except ValidationError as error:
            errors.extend((prefix + name, message) for message in _messages(error))
    return cleaned


def _model_errors(error, errors, prefix=""):
    for name, messages in error.message_dict.items():
        errors.extend((prefix + name, message) for message in messages)


NOT_ON_CARD = [field.name for field in Customer._meta.fields if field.name not in FIELDS]


def check_row(number, values, *, company):
    """``values`` (target -> text) as the card would take them: a Row with the Customer
    and contact values it makes, or with its problems. No query."""
    if "other_phone" in values:
        values = {**values}
        other_phone = values.pop("other_phone")
        if not values.get("phone", "").strip():
            values["phone"] = other_phone
    row = Row(number=number, given={name for name, value in values.items() if value})
    card = {name: values.get(name, "") for name in FIELDS}
    card["kind"] = KINDS.get(card["kind"].strip().lower(), card["kind"]) or CustomerKind.COMPANY
    card["postal_code"] = _postal_code(card["postal_code"])
    if not card["number"]:
        del card["number"]  # the next free number, given when the import saves
    cleaned = _clean_fields(forms.CustomerForm.base_fields, card, row.errors)
    failed = set(card) - set(cleaned)
    customer = Customer(company=company, **{**cleaned, "number": cleaned.get("number")})
    # As the card's ModelForm runs the model's rules: on its fields that passed.
    exclude = [*NOT_ON_CARD, *failed, *([] if "number" in card else ["number"])]
    try:
        customer.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        _model_errors(error, row.errors)
    row.customer = customer
    status = values.get("is_active", "").strip().lower()
    if status:
        row.status = STATUSES.get(status)
        if row.status is None:
            row.errors.append(("is_active", _("Write Aktiv or Inaktiv.")))
    contact = {name: values.get(target, "") for target, name in CONTACT_TARGETS.items()}
    if any(contact.values()):
        row.contact = _check_contact(contact, row.errors)
    return row


def _postal_code(value):
    """A spreadsheet that took "0150" for a number wrote 150: a Norwegian postal code has
    four digits, so three digits are the code with its leading zero lost."""
    value = value.strip()
    return value.zfill(4) if len(value) == 3 and value.isdigit() else value


def _check_contact(values, errors):
    cleaned = _clean_fields(forms.ContactForm.base_fields, values, errors, prefix="contact_")
    if set(values) - set(cleaned):
        return None
    try:
        ContactPerson(**cleaned).full_clean(exclude=["id", "company", "customer"])
    except ValidationError as error:
        _model_errors(error, errors, prefix="contact_")
        return None
    return cleaned


def _quiet(done, total=None, stage=None):
    pass


def check_rows(table, mapping, *, company, progress=_quiet):
    """Every row of ``table`` checked with the card's rules (``check_row``)."""
    columns = [(index, target) for index, target in enumerate(mapping) if target]
    total, rows = len(table.rows), []
    for done, (number, cells) in enumerate(zip(table.numbers, table.rows, strict=True)):
        if done % PROGRESS_EVERY == 0:
            progress(done, total, _("Checking rows"))
        values = {target: cells[index] for index, target in columns if index < len(cells)}
        rows.append(check_row(number, values, company=company))
    progress(total, total, _("Checking rows"))
    return rows


@dataclass
class Plan:
    """What an import does: the customers it creates, the (customer, changes) it
    updates, and why the other rows are left out."""

    rows: int = 0
    create: list = field(default_factory=list)  # Rows
    update: list = field(default_factory=list)  # (Row, existing Customer, {field: value})
    unchanged: int = 0
    duplicates: list = field(default_factory=list)  # (row number, text)
    skipped_duplicates: int = 0
    problems: list = field(default_factory=list)  # (row number, field label, message)
    problem_rows: int = 0
    skip_invalid: bool = False

    @property
    def refused(self):
        """Rows with problems and no "skip them": nothing is imported."""
        return bool(self.problem_rows) and not self.skip_invalid

    def summary(self, *, filename, dry_run):
        return {
            "filename": filename,
            "dry_run": dry_run,
            "refused": self.refused,
            "rows": self.rows,
            "created": len(self.create),
            "updated": len(self.update),
            "unchanged": self.unchanged,
            "skipped": self.skipped_duplicates + (self.problem_rows if self.skip_invalid else 0),
            "duplicates": [list(item) for item in self.duplicates[:LISTED]],
            "problem_rows": self.problem_rows,
            "problems": [list(item) for item in self.problems[:LISTED]],
            "problem_count": len(self.problems),
            "duplicate_count": len(self.duplicates),
        }


def _existing(company, *, lock):
    customers = Customer.objects.filter(company=company).order_by("deleted_at", "number")
    if lock:
        customers = customers.select_for_update(of=("self",))
    by_key = {}
    for customer in customers.iterator(chunk_size=5000):
        keys = [("number", customer.number), ("name", name_key(customer.name))]
        if customer.org_number:
            keys.append(("org_number", customer.org_number))
        for key in keys:
            by_key.setdefault(key, customer)
    return by_key


def _describe(customer):
    if customer.is_deleted:
        text = _("%(name)s (customer %(number)s, deleted)")
    elif not customer.is_active:
        text = _("%(name)s (customer %(number)s, inactive)")
    else:
        text = _("%(name)s (customer %(number)s)")
    return text % {"name": customer.name, "number": customer.number}


def _match(row, existing):
    """The firm's customer this row is, or None; raises ValidationError on a row whose
    org. no. and number belong to two different customers, or whose number belongs to
    a customer with another org. no. (matching it by number would overwrite that
    customer with another company's)."""
    customer = row.customer
    if customer.org_number:
        owner = existing.get(("org_number", customer.org_number))
        if owner is not None:
            other = existing.get(("number", customer.number)) if customer.number else None
            if other is not None and other.pk != owner.pk:
                raise ValidationError(NUMBER_TAKEN)
            return owner
    if customer.number:
        found = existing.get(("number", customer.number))
        if found is not None and customer.org_number and found.org_number:
            raise ValidationError(
                _(
                    "The customer number belongs to %(customer)s, which has another "
                    "organisation number."
                )
                % {"customer": _describe(found)}
            )
        return found
    if not customer.org_number:
        return existing.get(("name", name_key(customer.name)))
    return None


def plan(rows, *, company, on_duplicate, skip_invalid, lock=False):
    """What importing ``rows`` (checked) into ``company`` does now."""
    result = Plan(rows=len(rows), skip_invalid=skip_invalid)
    existing = _existing(company, lock=lock)
    seen, matched = {}, []
    for row in rows:
        if row.errors:
            _problem(result, row)
            continue
        try:
            match = _match(row, existing)
        except ValidationError as error:
            row.errors.append(("number", error.messages[0]))
            _problem(result, row)
            continue
        # A row that repeats an earlier one: by its own key, or by the customer both are.
        keys = [row.key] + ([("pk", match.pk)] if match is not None else [])
        earlier = next((seen[key] for key in keys if key in seen), None)
        if earlier is not None:
            result.duplicates.append(
                (row.number, _("The same customer as row %(row)s; left out.") % {"row": earlier})
            )
            result.skipped_duplicates += 1
            continue
        # Another customer with a number an earlier row gives: the database allows
        # one customer per number, so the later row is a problem, found by the check.
        number = ("number", row.customer.number)
        if row.customer.number and number in seen:
            row.errors.append(
                (
                    "number",
                    _("Customer number %(number)s is also on row %(row)s, for another customer.")
                    % {"number": row.customer.number, "row": seen[number]},
                )
            )
            _problem(result, row)
            continue
        seen.update(dict.fromkeys(keys, row.number))
        if row.customer.number:
            seen[number] = row.number
        if match is None:
            result.create.append(row)
        else:
            matched.append((row, match))
    if on_duplicate == DuplicateChoice.UPDATE:
        _first_contacts([match for _row, match in matched])
    for row, match in matched:
        _duplicate(result, row, match, on_duplicate=on_duplicate)
    result.duplicates.sort()
    result.problems.sort(key=lambda problem: problem[0])
    _number(result.create, company=company)
    return result


ORDER = {target: position for position, target in enumerate(TARGETS)}


def _problem(result, row):
    """The row's problems in the order of the card's fields, each with its field's name."""
    result.problem_rows += 1
    errors = sorted(row.errors, key=lambda error: ORDER.get(error[0], len(ORDER)))
    result.problems.extend((row.number, str(TARGETS.get(name, "")), text) for name, text in errors)


def _duplicate(result, row, match, *, on_duplicate):
    found = _describe(match)
    if match.is_deleted or on_duplicate != DuplicateChoice.UPDATE:
        result.duplicates.append(
            (row.number, _("Already a customer: %(customer)s; skipped.") % {"customer": found})
        )
        result.skipped_duplicates += 1
        return
    changes = _changes(row, match)
    if isinstance(changes, list):  # the card's rules refuse the customer as updated
        row.errors.extend(changes)
        _problem(result, row)
        return
    if not changes and not _contact_changes(row, match):
        result.unchanged += 1
        return
    result.duplicates.append(
        (row.number, _("Already a customer: %(customer)s; updated.") % {"customer": found})
    )
    result.update.append((row, match, changes))


def _changes(row, match):
    """{field: value} the row changes on ``match`` (what the file leaves empty stays as
    it is; the number stays the customer's), or the problems the card's rules find."""
    values = {
        name: getattr(row.customer, name)
        for name in FIELDS
        if name in row.given and name != "number"
    }
    if "kind" not in row.given:
        values.pop("kind", None)
    if row.status is not None:
        values["is_active"] = row.status
    merged = Customer(**{f.attname: getattr(match, f.attname) for f in Customer._meta.fields})
    for name, value in values.items():
        setattr(merged, name, value)
    try:
        merged.full_clean(exclude=NOT_ON_CARD, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        problems = []
        _model_errors(error, problems)
        return problems
    return {name: value for name, value in values.items() if getattr(match, name) != value}


def _contact_changes(row, match):
    if row.contact is None:
        return False
    first = getattr(match, "first_contact", None)
    return first is None or any(getattr(first, k) != v for k, v in row.contact.items())


def _number(rows, *, company):
    """The next free numbers, in the file's order, for the rows without one."""
    given = [row.customer.number for row in rows if row.customer.number]
    following = max([customer_next_number(company=company) - 1, *given]) + 1
    for row in rows:
        if not row.customer.number:
            row.customer.number = following
            following += 1


def _first_contacts(customers):
    """Each customer's contact persons (by id) as ``contacts_now``, the first of them as
    ``first_contact`` (the one a file's row gives), in one query."""
    by_pk = {customer.pk: customer for customer in customers}
    for customer in customers:
        customer.contacts_now, customer.first_contact = [], None
    contacts = ContactPerson.objects.filter(customer_id__in=by_pk).order_by("customer_id", "id")
    for contact in contacts:
        by_pk[contact.customer_id].contacts_now.append(contact)
    for customer in customers:
        customer.first_contact = next(iter(customer.contacts_now), None)


def apply(result, *, by):
    """Write ``result`` (a Plan): bulk inserts and updates, in the caller's transaction."""
    now = timezone.now()
    created = [row.customer for row in result.create]
    for row in result.create:
        row.customer.created_by = row.customer.updated_by = by
        if row.status is not None:
            row.customer.is_active = row.status
        names = [row.contact["name"]] if row.contact else []
        row.customer.search_text = search_text_of(row.customer, names)
    Customer.objects.bulk_create(created, batch_size=BATCH)
    contacts = [
        ContactPerson(company=row.customer.company, customer=row.customer, **row.contact)
        for row in result.create
        if row.contact
    ]
    updated, changed_fields = [], {"version", "updated_by", "updated_at", "search_text"}
    for row, customer, changes in result.update:
        for name, value in changes.items():
            setattr(customer, name, value)
        changed_fields.update(changes)
        customer.version += 1
        customer.updated_by, customer.updated_at = by, now
        first = _update_contact(row, customer, contacts)
        others = [contact.name for contact in customer.contacts_now[1:]]
        customer.search_text = search_text_of(customer, [first.name, *others] if first else [])
        updated.append(customer)
    Customer.objects.bulk_update(updated, sorted(changed_fields), batch_size=BATCH)
    changed_contacts = [contact for contact in contacts if contact.pk is not None]
    ContactPerson.objects.bulk_create(
        [contact for contact in contacts if contact.pk is None], batch_size=BATCH
    )
    ContactPerson.objects.bulk_update(changed_contacts, CONTACT_FIELDS, batch_size=BATCH)


def _update_contact(row, customer, contacts):
    """The customer's first contact person as the row gives it (added to ``contacts``
    when it changes or is new); the customer's others are kept as they are."""
    first = customer.first_contact
    if row.contact is None:
        return first
    if first is None:
        first = ContactPerson(company=customer.company, customer=customer, **row.contact)
        contacts.append(first)
    elif any(getattr(first, name) != value for name, value in row.contact.items()):
        for name, value in row.contact.items():
            setattr(first, name, value)
        contacts.append(first)
    return first


def import_customers(upload, *, by, dry_run, progress=_quiet, finish=None):
    """Check, and unless ``dry_run`` import, the file ``upload`` (a CustomerImport) as
    its mapping and choices say; return the summary (Plan.summary). The import is one
    transaction: every row or none. ``progress(done, total, stage)`` is called outside
    it; ``finish(summary)`` inside it, after the writes (the job's result, written
    once). Raises core.tables.Unreadable for a file that is not a table."""
    company = upload.company
    progress(0, None, _("Reading the file"))
    table = read_table(bytes(upload.data), max_rows=settings.CUSTOMER_IMPORT_MAX_ROWS)
    rows = check_rows(table, upload.mapping, company=company, progress=progress)
    choices = {"on_duplicate": upload.on_duplicate, "skip_invalid": upload.skip_invalid}
    if dry_run:
        summary = plan(rows, company=company, **choices).summary(
            filename=upload.filename, dry_run=True
        )
        if finish is not None:
            finish(summary)
        return summary
    progress(len(rows), len(rows), _("Saving"))
    context = {"user": by.pk, "import": upload.filename}
    with transaction.atomic(), pghistory.context(**context):
        # Customers it updates are locked until it commits: a card saved meanwhile waits.
        lock = upload.on_duplicate == DuplicateChoice.UPDATE
        result = plan(rows, company=company, lock=lock, **choices)
        if not result.refused:
            apply(result, by=by)
            upload.delete()
        summary = result.summary(filename=upload.filename, dry_run=False)
        if finish is not None:
            finish(summary)
    return summary

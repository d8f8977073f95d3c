"""The customer list as CSV and Excel: every field of the card and the first contact
person, in the columns an import of customers reads back.

Rows come from one query (the first contact's fields as subqueries) fetched in
chunks, so the cost is one query whatever the number of customers."""

from django.db.models import OuterRef, Subquery

from core.spreadsheets import csv_response, dated, inert, new_workbook, table_sheet, xlsx_response
from core.validators import format_phone

from .models import ContactPerson, CustomerKind

CHUNK = 2000

# (header, field): the file's columns in order. The headers are the same in every
# language, as the file is also the import's format: an importer maps these names
# back to the fields. Values are as on the card, except the organisation number
# (nine digits, as it is typed into the card and the registry). In the CSV a text
# that starts with = + - or @ (the phone numbers' "+47") has an apostrophe before it
# so that Excel does not run it; an importer drops that apostrophe. The Excel file
# writes text cells as text and needs none.
COLUMNS = [
    ("Kundenummer", "number"),
    ("Navn", "name"),
    ("Type", "kind"),
    ("Organisasjonsnummer", "org_number"),
    ("E-post", "email"),
    ("Telefon", "phone"),
    ("Adresse", "address"),
    ("Postnummer", "postal_code"),
    ("Poststed", "postal_place"),
    ("Fakturaadresse", "invoice_address"),
    ("Notat", "note"),
    ("Status", "is_active"),
    ("Kontaktperson", "contact_name"),
    ("Kontaktperson tittel", "contact_title"),
    ("Kontaktperson telefon", "contact_phone"),
    ("Kontaktperson e-post", "contact_email"),
]
HEADERS = [header for header, _field in COLUMNS]
FIELDS = [field for _header, field in COLUMNS]
# Fixed, like the headers: "Bedrift" reads back as a company in any language.
KINDS = {CustomerKind.COMPANY: "Bedrift", CustomerKind.PERSON: "Privatperson"}
STATUSES = {True: "Aktiv", False: "Inaktiv"}
# The first contact person's columns, from the contact's fields.
CONTACT_FIELDS = {
    "contact_name": "name",
    "contact_title": "title",
    "contact_phone": "phone",
    "contact_email": "email",
}
WIDTHS = [12, 30, 12, 20, 28, 18, 30, 11, 18, 30, 40, 9, 24, 20, 18, 28]


def rows(customers):
    """One list of text per customer, in the order of ``COLUMNS``; the customer
    number stays a number.

    The query is built here, in the request, while the firm's scope is open; the rows
    are read later, while the response streams, when the scope has closed."""
    first = ContactPerson.objects.filter(customer=OuterRef("pk")).order_by("id")
    contact = {name: Subquery(first.values(field)[:1]) for name, field in CONTACT_FIELDS.items()}
    return _cells(customers.annotate(**contact).values_list(*FIELDS))


def _cells(values):
    for row in values.iterator(chunk_size=CHUNK):
        cells = dict(zip(FIELDS, row, strict=True))
        cells["kind"] = KINDS[cells["kind"]]
        cells["is_active"] = STATUSES[cells["is_active"]]
        cells["phone"] = format_phone(cells["phone"])
        cells["contact_phone"] = format_phone(cells["contact_phone"])
        yield [cells["number"]] + [cells[field] or "" for field in FIELDS[1:]]


def export_csv(customers):
    customer_rows = rows(customers)
    lines = ([number, *map(inert, texts)] for number, *texts in customer_rows)
    return csv_response(HEADERS, lines, dated("kunder", "csv"))


def export_xlsx(customers):
    """Text cells written as text, so nothing in them runs as a formula."""
    workbook, out = new_workbook()
    sheet = table_sheet(workbook, "Kunder", HEADERS, WIDTHS)
    for index, (number, *texts) in enumerate(rows(customers), start=1):
        sheet.write_number(index, 0, number)
        for column, text in enumerate(texts, start=1):
            if text:
                sheet.write_string(index, column, text)
    return xlsx_response(workbook, out, dated("kunder", "xlsx"))


FORMATS = {"csv": export_csv, "xlsx": export_xlsx}

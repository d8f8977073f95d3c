"""Files for the customer import tests, in the shapes the systems write them."""

import csv
import io

import openpyxl
from stdnum.no import orgnr

from customers import imports
from customers.models import CustomerImport


def org_number(seed):
    """A valid organisation number (its check digit computed) from an 8-digit seed;
    seeds whose check digit would be 10 are stepped over."""
    while True:
        for digit in "0123456789":
            if orgnr.is_valid(f"{seed:08d}{digit}"):
                return f"{seed:08d}{digit}"
        seed += 1


def csv_bytes(rows, *, delimiter=";", encoding="utf-8", bom=False):
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return ("\ufeff" if bom else "").encode(encoding) + out.getvalue().encode(encoding)


def xlsx_bytes(rows, *, formula_at=None):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if formula_at:
        sheet[formula_at] = "=1+1"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(user, data, filename="kunder.csv", mapping=None, **choices):
    """An uploaded file, mapped as its header is recognised unless ``mapping`` is given."""
    from core.tables import read_table

    header = read_table(data, max_rows=5, preview=True).header if mapping is None else None
    return CustomerImport.objects.create(
        company=user.company,
        created_by=user,
        filename=filename,
        data=data,
        mapping=mapping if mapping is not None else imports.guess_mapping(header),
        **choices,
    )


def run(user, data, *, filename="kunder.csv", dry_run=False, **choices):
    return imports.import_customers(
        upload(user, data, filename, **choices), by=user, dry_run=dry_run
    )

"""CSV and Excel exports of time entries, streamed so that a million rows fit in
a little memory: rows come from the database in chunks and go out as they are
written (CSV) or through xlsxwriter's constant-memory mode (Excel)."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from core.spreadsheets import (
    csv_response,
    dated,
    inert,
    new_workbook,
    table_sheet,
    xlsx_bytes,
    xlsx_response,
)

CHUNK = 2000


def headers():
    """Fixed column order; the headers in the user's language."""
    return [
        _("Date"),
        _("Employee"),
        _("Customer number"),
        _("Customer name"),
        _("Project number"),
        _("Project name"),
        _("Hours"),
        _("Description"),
        _("Approved by"),
        _("Approved at"),
    ]


COLUMNS = [
    "date",
    "user__name",
    "customer__number",
    "customer__name",
    "customer__deleted_at",
    "project__number",
    "project__name",
    "project__deleted_at",
    "hours",
    "description",
    "approved_by__name",
    "approved_at",
]


def rows(entries, *, deleted):
    """One tuple per entry, in the column order of ``headers()``, with Python values;
    ``deleted`` marks the name of a deleted customer or project.

    Plain tuples from one joined query, fetched in chunks: no model instances, so a
    million rows cost time, not memory.
    """
    suffix = f" ({deleted})"
    values = entries.order_by("date", "user__name", "id").values_list(*COLUMNS)
    for row in values.iterator(chunk_size=CHUNK):
        (day, employee, c_no, c_name, c_gone, p_no, p_name, p_gone, hours, text, by, at) = row
        yield (
            day,
            employee,
            c_no,
            (c_name + suffix if c_gone else c_name) if c_name is not None else "",
            p_no,
            (p_name + suffix if p_gone else p_name) if p_name is not None else "",
            hours,
            text,
            by or "",
            timezone.localtime(at) if at else None,
        )


def _csv_cells(entries, deleted):
    for row in rows(entries, deleted=deleted):
        (date, employee, c_no, c_name, p_no, p_name, hours, text, by, at) = row
        yield [
            f"{date:%d.%m.%Y}",
            inert(employee),
            "" if c_no is None else c_no,
            inert(c_name),
            "" if p_no is None else p_no,
            inert(p_name),
            f"{hours.normalize():f}".replace(".", ","),
            inert(text),
            inert(by),
            f"{at:%d.%m.%Y %H:%M}" if at else "",
        ]


def export_csv(entries):
    # The translations are read now: the rows are written after the view returns.
    lines = _csv_cells(entries, _("deleted"))
    return csv_response(headers(), lines, dated(_("hours"), "csv"))


def export_xlsx(entries):
    return xlsx_response(*_workbook(entries), dated(_("hours"), "xlsx"))


def xlsx_file(entries, *, progress):
    """The workbook of ``export_xlsx`` as bytes, for the export job (timesheets/jobs.py);
    ``progress(rows)`` is told after every CHUNK rows."""
    return xlsx_bytes(*_workbook(entries, progress=progress))


def _workbook(entries, progress=None):
    """Real dates and numbers; Excel shows the decimal comma of the user's locale."""
    workbook, out = new_workbook(remove_timezone=True)
    widths = [11, 22, 10, 30, 10, 30, 8, 40, 22, 16]
    sheet = table_sheet(workbook, _("Hours"), headers(), widths)
    date = workbook.add_format({"num_format": "dd.mm.yyyy"})
    stamp = workbook.add_format({"num_format": "dd.mm.yyyy hh:mm"})
    number = workbook.add_format({"num_format": "0.00"})
    for index, row in enumerate(rows(entries, deleted=_("deleted")), start=1):
        (day, employee, c_no, c_name, p_no, p_name, hours, text, by, at) = row
        sheet.write_datetime(index, 0, day, date)
        sheet.write_string(index, 1, employee)
        if c_no is not None:
            sheet.write_number(index, 2, c_no)
        sheet.write_string(index, 3, c_name)
        if p_no is not None:
            sheet.write_number(index, 4, p_no)
        sheet.write_string(index, 5, p_name)
        sheet.write_number(index, 6, float(hours), number)
        sheet.write_string(index, 7, text)
        sheet.write_string(index, 8, by)
        if at is not None:
            sheet.write_datetime(index, 9, at, stamp)
        if progress is not None and index % CHUNK == 0:
            progress(index)
    return workbook, out


FORMATS = {"csv": export_csv, "xlsx": export_xlsx}

# An Excel export of a longer period than this is made by a job (timesheets/jobs.py),
# not in the request: a month of the biggest firm is ~35,000 rows, seconds to write.
# CSV streams as it is read, so it stays a download of any length.
LONGEST_DIRECT = datetime.timedelta(days=31)


def made_by_job(fmt, filters):
    """Whether the export of ``filters`` in ``fmt`` runs as a job: an Excel file of more
    than 31 days, or of a period open at one end."""
    start, end = filters["date_from"], filters["date_to"]
    return fmt == "xlsx" and (not start or not end or end - start >= LONGEST_DIRECT)


def log_detail(fmt, filters):
    """What the security log keeps of an export: its format and filters, as text that
    stays readable when the employee, customer or project changes later."""
    names = {name: str(filters[name]) for name in ("user", "customer", "project") if filters[name]}
    dates = {name: filters[name].isoformat() for name in ("date_from", "date_to") if filters[name]}
    status = {True: "approved", False: "open"}.get(filters["approved"])
    return {"format": fmt, **dates, **names, **({"status": status} if status else {})}

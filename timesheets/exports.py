"""CSV and Excel exports of time entries, streamed so that a million rows fit in
a little memory: PostgreSQL writes the CSV's lines (COPY), which go out as they
come; the Excel file's rows come from the database in chunks and go through
xlsxwriter's constant-memory mode."""

import datetime

from django.db.models import Case, Value, When
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from core.spreadsheets import (
    copied_csv_response,
    dated,
    inert_cell_sql,
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


# The CSV's columns as the query of ``_csv_select`` names them, in the order of
# ``headers()``, and after them what the lines are sorted by.
CSV_COLUMNS = [
    "day",
    "employee",
    "customer_number",
    "customer",
    "project_number",
    "project",
    "hours",
    "description",
    "approver",
    "approved_at",
    "id",
]


def _csv_select(entries, *, deleted, using):
    """(sql, params): the CSV's cells of ``entries`` formatted in SQL as the file shows
    them: "05.03.2026", "7,5", a deleted customer or project marked, text kept from
    running as a formula, the approval in local time.

    The inner query sorts the plain values (the same filters and order as ``rows``);
    the outer one formats each line once, as COPY writes it."""
    shown = {
        f"{name}_shown": Case(
            When(
                **{f"{name}__deleted_at__isnull": False},
                then=Concat(f"{name}__name", Value(f" ({deleted})")),
            ),
            default=f"{name}__name",
        )
        for name in ("customer", "project")
    }
    values = (
        entries.annotate(**shown)
        .order_by("date", "user__name", "id")
        .values_list(
            "date",
            "user__name",
            "customer__number",
            "customer_shown",
            "project__number",
            "project_shown",
            "hours",
            "description",
            "approved_by__name",
            "approved_at",
            "id",
        )
    )
    inner, inner_params = values.query.get_compiler(using=using).as_sql()
    employee, customer, project, description, approver = (
        inert_cell_sql(column)
        for column in ("employee", "customer", "project", "description", "approver")
    )
    cells = [
        ("to_char(day, 'DD.MM.YYYY')", []),
        employee,
        ("customer_number", []),
        customer,
        ("project_number", []),
        project,
        ("replace(trim_scale(hours)::text, '.', ',')", []),
        description,
        approver,
        (
            "to_char(approved_at AT TIME ZONE %s, 'DD.MM.YYYY HH24:MI')",
            [timezone.get_current_timezone_name()],
        ),
    ]
    select = ", ".join(cell for cell, _params in cells)
    params = [param for _cell, cell_params in cells for param in cell_params]
    names = ", ".join(CSV_COLUMNS)
    # The SQL is this module's; every value is a parameter.
    sql = f"SELECT {select} FROM ({inner}) AS entry ({names}) ORDER BY day, employee, id"  # noqa: S608
    return sql, [*params, *inner_params]


def export_csv(entries):
    # The translations and the time zone are read now: the lines are written after
    # the view returns.
    using = entries.db
    sql, params = _csv_select(entries, deleted=_("deleted"), using=using)
    return copied_csv_response(headers(), sql, params, dated(_("hours"), "csv"), using=using)


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

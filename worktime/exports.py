"""The payroll basis ("Lønnsgrunnlag") as a file for the payroll system: one row per
employee and wage type, CSV (Norwegian numbers, ";") or Excel (real numbers and
dates). A month of a firm is a few hundred rows: made in the request."""

from django.utils.translation import gettext as _

from core.spreadsheets import csv_response, inert, new_workbook, table_sheet, xlsx_response


def headers():
    return [
        _("E-mail"),
        _("Name"),
        _("Wage type"),
        _("Text"),
        _("Quantity"),
        _("Unit"),
        _("Days"),
        _("Paid"),
        _("From date"),
        _("To date"),
    ]


def rows(basis):
    """(e-mail, name, code, text, quantity, unit, days or None, paid or None) of every
    line, the employees by name."""
    for employee in basis.employees:
        for line in employee.lines:
            yield (
                employee.user.email,
                employee.user.name,
                line.code,
                line.text,
                line.quantity,
                line.unit_label,
                line.days,
                line.paid,
            )


def filename(basis, extension):
    """The file's name: what it holds and its period ("lonnsgrunnlag-2026-11-01-2026-11-30.csv")."""
    name = _("payroll")
    return f"{name}-{basis.start:%Y-%m-%d}-{basis.end:%Y-%m-%d}.{extension}"


def _number(value):
    return "" if value is None else f"{value.normalize():f}".replace(".", ",")


def _yes_no(value):
    return "" if value is None else (_("yes") if value else _("no"))


def export_csv(basis):
    start, end = f"{basis.start:%d.%m.%Y}", f"{basis.end:%d.%m.%Y}"
    lines = [
        [inert(email), inert(name), inert(code), inert(text), _number(quantity), unit,
         _number(days), _yes_no(paid), start, end]
        for email, name, code, text, quantity, unit, days, paid in rows(basis)
    ]  # fmt: skip
    return csv_response(headers(), lines, filename(basis, "csv"))


def export_xlsx(basis):
    workbook, out = new_workbook()
    widths = [28, 22, 10, 30, 10, 8, 8, 8, 11, 11]
    sheet = table_sheet(workbook, _("Payroll basis"), headers(), widths)
    date = workbook.add_format({"num_format": "dd.mm.yyyy"})
    number = workbook.add_format({"num_format": "0.00"})
    for index, row in enumerate(rows(basis), start=1):
        email, name, code, text, quantity, unit, days, paid = row
        sheet.write_string(index, 0, email)
        sheet.write_string(index, 1, name)
        sheet.write_string(index, 2, code)
        sheet.write_string(index, 3, text)
        sheet.write_number(index, 4, float(quantity), number)
        sheet.write_string(index, 5, unit)
        if days is not None:
            sheet.write_number(index, 6, float(days), number)
        sheet.write_string(index, 7, _yes_no(paid))
        sheet.write_datetime(index, 8, basis.start, date)
        sheet.write_datetime(index, 9, basis.end, date)
    return xlsx_response(workbook, out, filename(basis, "xlsx"))


FORMATS = {"csv": export_csv, "xlsx": export_xlsx}

"""The invoice basis as an Excel file: the lines under their projects, then the sum
excl. MVA, the MVA and the total, amounts as numbers with two decimals."""

from django.utils.translation import gettext as _

from core.spreadsheets import dated, inert, new_workbook, xlsx_response


def _label(line):
    return line.label.strftime("%d.%m.%Y") if hasattr(line.label, "strftime") else line.label


def basis_xlsx(company, choice, basis):
    workbook, out = new_workbook()
    sheet = workbook.add_worksheet(_("Invoice basis"))
    bold = workbook.add_format({"bold": True})
    money = workbook.add_format({"num_format": "#,##0.00"})
    hours = workbook.add_format({"num_format": "0.##"})
    customer = choice["customer"]
    heading = [
        (_("Invoice basis"), company.name),
        (_("Customer"), inert(customer.name)),
        (
            _("Period"),
            f"{choice['date_from']:%d.%m.%Y}–{choice['date_to']:%d.%m.%Y}",
        ),
    ]
    for row, (label, value) in enumerate(heading):
        sheet.write(row, 0, label, bold)
        sheet.write(row, 1, value)
    row = len(heading) + 1
    by = _("Date") if choice["group"] == "date" else _("Employee")
    for column, title in enumerate([_("Project"), by, _("Hours"), _("Hourly price"), _("Amount")]):
        sheet.write(row, column, title, bold)
    for group in basis.projects:
        project = f"{group.number} {inert(group.name)}" if group.number else _("No project")
        for line in group.lines:
            row += 1
            sheet.write(row, 0, project)
            sheet.write(row, 1, inert(str(_label(line))))
            sheet.write_number(row, 2, float(line.hours), hours)
            if line.rate is not None:
                sheet.write_number(row, 3, float(line.rate), money)
            sheet.write_number(row, 4, float(line.amount), money)
    row += 1
    for label, amount in (
        (_("Sum excl. MVA"), basis.net),
        (_("MVA 25 %"), basis.mva),
        (_("Total incl. MVA"), basis.total),
    ):
        row += 1
        sheet.write(row, 3, label, bold)
        sheet.write_number(row, 4, float(amount), money)
    sheet.set_column(0, 1, 28)
    sheet.set_column(2, 4, 14)
    name = dated(f"fakturagrunnlag-{customer.number}", "xlsx")
    return xlsx_response(workbook, out, name)


FORMATS = {"xlsx": basis_xlsx}


def log_detail(fmt, choice):
    """What the security log keeps of a download: the format and the choice."""
    return {
        "format": fmt,
        "customer": choice["customer"].pk,
        "project": choice["project"].pk if choice["project"] else None,
        "date_from": choice["date_from"].isoformat(),
        "date_to": choice["date_to"].isoformat(),
    }

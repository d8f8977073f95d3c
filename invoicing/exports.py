"""The invoice basis as an Excel file (the hours under their projects, then the
materials and driving, then the sum excl. MVA, the MVA and the total, amounts as numbers
with two decimals) and as an A4 PDF (templates/invoicing/basis_pdf.html), of what
invoicing.selectors found."""

from django.utils.translation import gettext as _

from core.pdf import pdf_response, render_pdf
from core.spreadsheets import dated, inert, new_workbook, xlsx_response

PDF_TEMPLATE = "invoicing/basis_pdf.html"


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
    if basis.has_lines:
        row = _job_lines(sheet, row + 2, basis, bold=bold, money=money, hours=hours)
    row += 1
    sums = [(_("Sum excl. MVA"), basis.net)]
    if basis.has_lines:
        sums = [
            (_("Hours"), basis.hours_net),
            (_("Materials"), basis.materials_net),
            (_("Driving"), basis.driving_net),
            *sums,
        ]
    for label, amount in (
        *sums,
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


def _job_lines(sheet, row, basis, *, bold, money, hours):
    """The materials and driving from ``row`` on; a line without a price has no amount
    (and the basis says how many: it cannot be marked as invoiced so)."""
    titles = [_("Project"), _("Date"), _("Kind"), _("Description"), _("Quantity"), _("Unit")]
    titles += [_("Unit price"), _("Amount")]
    for column, title in enumerate(titles):
        sheet.write(row, column, title, bold)
    for group in basis.projects:
        project = f"{group.number} {inert(group.name)}" if group.number else _("No project")
        for line in [*group.materials, *group.driving]:
            row += 1
            kind = _("Driving") if line.is_driving else _("Materials")
            what = line.route if line.is_driving else line.description
            sheet.write(row, 0, project)
            sheet.write(row, 1, line.date.strftime("%d.%m.%Y"))
            sheet.write(row, 2, kind)
            sheet.write(row, 3, inert(what))
            sheet.write_number(row, 4, float(line.quantity), hours)
            sheet.write(row, 5, str(line.unit))
            if line.unit_price is not None:
                sheet.write_number(row, 6, float(line.unit_price), money)
                sheet.write_number(row, 7, float(line.amount), money)
            else:
                sheet.write(row, 7, _("No price"))
    return row


def pdf_context(company, choice, basis):
    """What the PDF template shows of a basis not yet invoiced (``choice``: the page's)."""
    return {
        "company": company,
        "customer": choice["customer"],
        "project": choice["project"],
        "date_from": choice["date_from"],
        "date_to": choice["date_to"],
        "by_date": choice["group"] == "date",
        "basis": basis,
        "sums": basis,
    }


def invoiced_pdf_context(invoiced, basis):
    """What the PDF template shows of an invoiced basis: its number, who and when, its
    lines (``basis``: invoicing.selectors.invoiced_basis) and its sums as stored."""
    return {
        "company": invoiced.company,
        "customer": invoiced.customer,
        "project": invoiced.project,
        "date_from": invoiced.date_from,
        "date_to": invoiced.date_to,
        "by_date": True,
        "basis": basis,
        "sums": invoiced,
        "invoiced": invoiced,
    }


def pdf_name(context):
    invoiced = context.get("invoiced")
    if invoiced is not None:
        return f"fakturagrunnlag-{invoiced.number}.pdf"
    return dated(f"fakturagrunnlag-{context['customer'].number}", "pdf")


def pdf_bytes(context):
    return render_pdf(PDF_TEMPLATE, context)


def basis_pdf(company, choice, basis):
    context = pdf_context(company, choice, basis)
    return pdf_response(pdf_bytes(context), pdf_name(context))


def invoiced_pdf(invoiced, basis):
    context = invoiced_pdf_context(invoiced, basis)
    return pdf_response(pdf_bytes(context), pdf_name(context))


# A PDF of more lines than this is made by a job (invoicing/jobs.py), not in the
# request: WeasyPrint lays out about 350 lines a second (2,000 lines took 4.6 to 5.9 s on
# the 2-core development machine, 300 lines under a second; `make bench` measures it).
PDF_DIRECT_LINES = 300


def pdf_made_by_job(basis):
    """Whether the PDF of ``basis`` is made by a job: more than PDF_DIRECT_LINES lines."""
    return basis.line_count > PDF_DIRECT_LINES


FORMATS = {"xlsx": basis_xlsx, "pdf": basis_pdf}


def invoiced_log_detail(fmt, invoiced):
    """What the security log keeps of the download of an invoiced basis."""
    return {"format": fmt, "basis": invoiced.number, "customer": invoiced.customer_id}


def log_detail(fmt, choice):
    """What the security log keeps of a download: the format and the choice."""
    return {
        "format": fmt,
        "customer": choice["customer"].pk,
        "project": choice["project"].pk if choice["project"] else None,
        "date_from": choice["date_from"].isoformat(),
        "date_to": choice["date_to"].isoformat(),
    }

"""The invoice basis as an Excel file (the lines under their projects, then the sum
excl. MVA, the MVA and the total, amounts as numbers with two decimals) and as an A4
PDF (templates/invoicing/basis_pdf.html), of what invoicing.selectors found."""

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
# request: WeasyPrint lays out about 200 lines a second (2,000 lines took 7 to 11 s on
# the 2-core development machine, 300 lines about a second; `make bench` measures it).
PDF_DIRECT_LINES = 300


def line_count(basis):
    return sum(len(group.lines) for group in basis.projects)


def pdf_made_by_job(basis):
    """Whether the PDF of ``basis`` is made by a job: more than PDF_DIRECT_LINES lines."""
    return line_count(basis) > PDF_DIRECT_LINES


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

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import permissions as perms
from accounts import security_log
from core.jobs import start as start_job
from core.pages import after_write, form_status, page, save

from . import exports, selectors, services
from .forms import BasisForm, MarkForm, ReopenForm, basis_query
from .jobs import BASIS_PDF


def _unapproved_url(choice):
    """ "Timeoversikt" of the entries the basis leaves out for want of approval."""
    query = {**basis_query(choice), "status": "open"}
    del query["group"]  # the overview's totals are grouped otherwise
    return f"{reverse('timesheets:overview')}?{urlencode(query)}"


def _basis_page(request, form, refused=None):
    """The basis page; ``refused``: why "Marker som fakturert" was not done (a 409)."""
    choice = form.choice()
    context = {"form": form, "choice": choice, "refused": refused}
    if choice is not None:
        context["basis"] = selectors.basis(company=request.user.company, **choice)
        context["unapproved_url"] = _unapproved_url(choice)
        context["query"] = basis_query(choice)
        context["query_string"] = urlencode(context["query"])
        context["by_date"] = choice["group"] == "date"
    status = 409 if refused else form_status(form)
    return page(request, "invoicing/basis.html", "basis", context, status=status)


@require_GET
@perms.role_required(perms.INVOICE_BASIS)
def basis(request):
    """ "Fakturagrunnlag": a customer's approved, billable hours of a period, priced."""
    return _basis_page(request, BasisForm(request.GET))


@require_GET
@perms.role_required(perms.INVOICE_BASIS)
def basis_download(request, fmt):
    if fmt not in exports.FORMATS:
        raise Http404
    choice = BasisForm(request.GET).choice()
    if choice is None:
        raise Http404  # a download link is made only for a valid choice
    found = selectors.basis(company=request.user.company, **choice)
    if fmt == "pdf" and exports.pdf_made_by_job(found):
        return _pdf_job(request, query=urlencode(basis_query(choice)))
    security_log.record(
        security_log.Kind.EXPORTED, request=request, detail=exports.log_detail(fmt, choice)
    )
    return exports.FORMATS[fmt](request.user.company, choice, found)


def _pdf_job(request, **params):
    """The PDF of a long basis, made by a job; logged when its file is downloaded
    (invoicing/jobs.py)."""
    user = request.user
    return redirect(start_job(BASIS_PDF, user=user, company=user.company, params=params))


@require_POST
@perms.role_required(perms.INVOICE_MARK)
def basis_mark(request):
    """ "Marker som fakturert": the basis as the user saw it, or a 409 that says why not."""
    form = MarkForm(request.POST, asked=True)
    choice = form.choice()
    if choice is not None:
        try:
            invoiced = services.basis_mark_invoiced(
                company=request.user.company,
                by=request.user,
                expected_net=form.cleaned_data["expected_net"],
                customer=choice["customer"],
                project=choice["project"],
                date_from=choice["date_from"],
                date_to=choice["date_to"],
            )
        except ValidationError as error:
            return _basis_page(request, BasisForm(request.POST, asked=True), refused=error.messages)
        else:
            message = _("Invoice basis %(number)s is marked as invoiced.") % {
                "number": invoiced.number
            }
            return after_write(request, reverse("invoicing:detail", args=[invoiced.pk]), message)
    return _basis_page(request, BasisForm(request.POST, asked=True))


@require_GET
@perms.role_required(perms.INVOICE_BASIS)
def basis_list(request):
    """The invoiced bases, newest first."""
    return render(request, "invoicing/list.html", {"bases": selectors.bases()[:200]})


def _detail_page(request, invoiced, reopen=None):
    context = {
        "invoiced": invoiced,
        "basis": selectors.invoiced_basis(invoiced),
        "reopen": reopen or ReopenForm(),
    }
    status = form_status(reopen) if reopen is not None else 200
    return page(request, "invoicing/detail.html", None, context, status=status)


@require_GET
@perms.role_required(perms.INVOICE_BASIS)
def basis_detail(request, pk):
    return _detail_page(request, selectors.get_basis_for_user(request, pk))


@require_GET
@perms.role_required(perms.INVOICE_BASIS)
def basis_detail_pdf(request, pk):
    """The invoiced basis as PDF, with its number, who marked it and when."""
    invoiced = selectors.get_basis_for_user(request, pk)
    found = selectors.invoiced_basis(invoiced)
    if exports.pdf_made_by_job(found):
        return _pdf_job(request, invoiced=invoiced.pk)
    detail = exports.invoiced_log_detail("pdf", invoiced)
    security_log.record(security_log.Kind.EXPORTED, request=request, detail=detail)
    return exports.invoiced_pdf(invoiced, found)


@require_POST
@perms.role_required(perms.INVOICE_REOPEN)
def basis_reopen(request, pk):
    """Reopen an invoiced basis (Administrator), with a reason."""
    invoiced = selectors.get_basis_for_user(request, pk)
    form = ReopenForm(request.POST)
    if form.is_valid():
        saved = save(
            form, services.basis_reopen, basis=invoiced, by=request.user, **form.cleaned_data
        )
        if saved is not None:
            message = _("The basis is reopened: its hours can be changed and invoiced again.")
            return after_write(request, reverse("invoicing:detail", args=[pk]), message)
    return _detail_page(request, invoiced, reopen=form)

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import permissions as perms
from accounts import security_log
from core.idempotency import once_per_form, saved
from core.jobs import start as start_job
from core.pages import after_write, form_status, page, refuse, safe_next, save
from core.replica import replica_reads
from projects import selectors as project_selectors
from timesheets import selectors as entry_selectors
from timesheets import services as entry_services

from . import exports, selectors, services
from .forms import BasisForm, LineForm, LinePriceForm, MarkForm, ReopenForm, basis_query
from .jobs import BASIS_PDF
from .models import Kind

BASES_PAGE_SIZE = 50
# The basis page shows this many of a basis's lines; its sums, PDF and Excel file are of
# all of them (a customer's years may be ten thousand lines).
SHOWN_LINES = 100


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
        shown = selectors.basis_page(company=request.user.company, limit=SHOWN_LINES, **choice)
        context["basis"] = shown.full
        context["shown"] = shown
        context["unapproved_url"] = _unapproved_url(choice)
        context["query"] = basis_query(choice)
        context["query_string"] = urlencode(context["query"])
        context["by_date"] = choice["group"] == "date"
    status = 409 if refused else form_status(form)
    return page(request, "invoicing/basis.html", "basis", context, status=status)


@require_GET
@perms.role_required(perms.INVOICE_BASIS)
@replica_reads  # marking it compares with the primary's sum (basis_mark): never stale
def basis(request):
    """ "Fakturagrunnlag": a customer's approved, billable hours of a period, priced."""
    return _basis_page(request, BasisForm(request.GET))


@require_GET
@perms.role_required(perms.INVOICE_BASIS)
@replica_reads
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
    """The invoiced bases, newest first, a page at a time."""
    bases = Paginator(selectors.bases(), BASES_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "invoicing/list.html", {"bases": bases})


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


# Materials and driving on an entry or a project


def _kind(request):
    """The kind of line a create form makes (``?kind=``, on its address): materials
    unless driving is asked for; anything else is no such form."""
    kind = request.GET.get("kind") or Kind.MATERIAL
    if kind not in Kind.values:
        raise Http404
    return kind


def _back(*, entry=None, project=None):
    """Where a line's form returns to: its entry's form, or its project's card."""
    if entry is not None:
        return f"{reverse('timesheets:entry_update', args=[entry.pk])}#job-lines"
    return f"{project.get_absolute_url()}#job-lines"


def _where(line):
    return {"entry": line.entry} if line.on_entry else {"project": line.project}


def _line_back(request, line):
    """Where a line's form returns to: where it came from (``next``: the basis that
    asked for its price), else its entry's form (or, for a manager who may not change
    the entry, the entry's week), else its project's card."""
    default = _back(**_where(line))
    if line.on_entry and not entry_services.can_change(request.user, line.entry):
        week = entry_selectors.Week.of(line.entry.date)
        default = f"{reverse('timesheets:week')}?week={week}&user={line.entry.user_id}"
    return safe_next(request, request.POST.get("next") or request.GET.get("next"), default)


def _line_page(request, form, *, kind, back, line=None, **where):
    context = {"form": form, "kind": kind, "line": line, "back": back, **where}
    if line is not None:
        prices = request.user.has_perm(perms.PRICES)
        context["history"] = selectors.line_history(line, prices=prices)
    return page(request, "invoicing/line_form.html", "form", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
@perms.role_required(perms.HOURS_LOG)
@once_per_form
def line_create(request, on, pk):
    """ "Legg til materiell" / "Legg til kjøring" (``?kind=driving``) on an entry or a
    project."""
    kind = _kind(request)
    if on == "entry":
        where = {"entry": entry_selectors.get_entry_for_user(request, pk)}
    else:
        where = {"project": project_selectors.get_project_for_user(request, pk)}
    back = _back(**where)
    form = LineForm(
        request.POST or None,
        kind=kind,
        prices=request.user.has_perm(perms.PRICES),
        on_project=on == "project",
        initial={"date": entry_selectors.today()},
    )
    if not services.may_add_line(request.user, **where):
        entry = where.get("entry")
        refusal = entry and entry_services.state_refusal(request.user, entry)
        if request.method != "POST" or not refusal:
            raise PermissionDenied
        # Approved, handed in or invoiced while the form was open: say so, keep the input.
        refuse(form, refusal)
    elif request.method == "POST" and form.is_valid():
        values = {"company": request.user.company, "by": request.user, "kind": kind}
        line = save(form, services.line_create, **values, **where, **form.line_values())
        if line is not None:
            saved(request, back)
            return after_write(request, back, _("The line has been saved."))
    return _line_page(request, form, kind=kind, back=back, **where)


def _line_initial(line):
    names = ["description", "route", "quantity", "unit", "date", "unit_price", "version"]
    return {name: getattr(line, name) for name in names}


@require_http_methods(["GET", "POST"])
@perms.role_required(perms.HOURS_LOG)
def line_update(request, pk):
    """Change a line; a manager who may not change it (an approved entry's) prices it."""
    line = selectors.get_line_for_user(request, pk)
    where, back = _where(line), _line_back(request, line)
    lock = services.line_lock(request.user, line)
    if lock is not None and services.line_may_price(request.user, line):
        return _line_price(request, line, back=back, where=where)
    form = LineForm(
        request.POST or None,
        kind=line.kind,
        prices=request.user.has_perm(perms.PRICES),
        on_project=not line.on_entry,
        initial=_line_initial(line),
    )
    if lock is not None:
        if request.method != "POST":
            raise entry_services.EntryLocked(lock)
        refuse(form, lock)
    elif request.method == "POST" and form.is_valid():
        values = {"line": line, "by": request.user, "version": form.cleaned_data["version"]}
        if save(form, services.line_update, **values, **form.line_values()) is not None:
            return after_write(request, back, _("The line has been saved."))
    return _line_page(request, form, kind=line.kind, back=back, line=line, **where)


def _line_price(request, line, *, back, where):
    form = LinePriceForm(request.POST or None, initial=_line_initial(line))
    if request.method == "POST" and form.is_valid():
        values = {"line": line, "by": request.user, **form.cleaned_data}
        if save(form, services.line_set_price, **values) is not None:
            return after_write(request, back, _("The price has been saved."))
    return _line_page(request, form, kind=line.kind, back=back, line=line, **where)


@require_http_methods(["GET", "POST"])
@perms.role_required(perms.HOURS_LOG)
def line_delete(request, pk):
    """POST deletes; GET asks first."""
    line = selectors.get_line_for_user(request, pk)
    back = _line_back(request, line)
    if lock := services.line_lock(request.user, line):
        raise entry_services.EntryLocked(lock)
    if request.method == "GET":
        return render(request, "invoicing/line_confirm_delete.html", {"line": line, "back": back})
    services.line_delete(line=line, by=request.user)
    return after_write(request, back, _("The line has been deleted."))


@require_POST
@perms.role_required(perms.HOURS_APPROVE)
def line_approve(request, pk):
    """ "Godkjenn" a line on a project (a line on an entry is approved with it)."""
    line = selectors.get_line_for_user(request, pk)
    if line.on_entry:
        raise Http404
    services.line_approve(line=line, by=request.user)
    return after_write(request, _back(project=line.project), _("The line is approved."))


@require_POST
@perms.role_required(perms.HOURS_CHANGE_APPROVED)
def line_reopen(request, pk):
    """ "Gjenåpne" an approved line on a project: its owner can change it again."""
    line = selectors.get_line_for_user(request, pk)
    if line.on_entry:
        raise Http404  # reopened with its entry
    services.line_reopen(line=line, by=request.user)
    message = _("The line is open again: its owner can change it.")
    return after_write(request, _back(project=line.project), message)

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts import permissions as perms
from accounts import security_log
from core import jobs, tables
from core.idempotency import once_per_form, saved
from core.pages import after_write, form_status, navigate, page, save
from core.replica import replica_reads

from . import brreg, exports, imports, selectors, services
from .forms import (
    PREVIEW_ROWS,
    CustomerCard,
    Hints,
    ImportMappingForm,
    ImportUploadForm,
    RefreshForm,
)
from .rows import CustomerRows

PER_PAGE = 50


def _list_context(*, status, q, sort, page, highlight=None):
    rows = selectors.customer_list(status=status, q=q, sort=sort)
    counts = selectors.customer_tab_counts(q)
    paginator = Paginator(rows, PER_PAGE)
    paginator.count = counts[status]  # the tab's count (of matches) is the list's count
    page = paginator.get_page(page)
    page.object_list = list(selectors.customer_page_rows(page.object_list, sort))
    tabs = [
        (selectors.ACTIVE, pgettext("customer list tab", "Active"), counts["active"]),
        (selectors.INACTIVE, pgettext("customer list tab", "Inactive"), counts["inactive"]),
    ]
    return {
        "status": status,
        "q": q,
        "sort": sort,
        "page": page,
        "rows": CustomerRows(
            page.object_list, list_url=reverse("customers:list"), highlight=highlight
        ),
        "tabs": [
            {"key": k, "label": label, "count": n, "current": k == status} for k, label, n in tabs
        ],
        "next_sort": {
            column: f"-{column}" if sort == column else column for column in ("name", "number")
        },
    }


def _list_query(request):
    """The list's tab, search and order from the query string, unknown values ignored."""
    status = request.GET.get("status")
    status = status if status == selectors.INACTIVE else selectors.ACTIVE
    sort = request.GET.get("sort")
    sort = sort if sort in selectors.SORTS else selectors.DEFAULT_SORT
    q = request.GET.get("q", "").strip()[:100]
    return {"status": status, "q": q, "sort": sort}


@require_http_methods(["GET"])
@perms.role_required(perms.CUSTOMERS_VIEW)
def customer_list(request):
    context = _list_context(**_list_query(request), page=request.GET.get("page"))
    return page(request, "customers/list.html", "list", context)


@require_http_methods(["GET"])
@perms.role_required(perms.CUSTOMERS_VIEW)
@replica_reads
def customer_export(request, fmt):
    """The list's current tab and search, every customer of it, as a file."""
    query = _list_query(request)
    detail = {"format": fmt, "customers": query["status"]}
    if query["q"]:
        detail["search"] = query["q"]
    security_log.record(security_log.Kind.EXPORTED, request=request, detail=detail)
    return exports.FORMATS[fmt](selectors.customer_list(**query))


def _saved_on_list(request, customer):
    """After "Opprett kunde" in the list's dialog: the list page that holds the new
    customer, marked, in place of the list (htmx)."""
    number = selectors.customer_position(customer) // PER_PAGE + 1
    context = _list_context(
        status=selectors.ACTIVE,
        q="",
        sort=selectors.DEFAULT_SORT,
        page=number,
        highlight=customer.pk,
    )
    context["reset_search"] = True
    response = render(request, "customers/list.html#list", context)
    query = f"?page={number}" if number > 1 else ""
    response.headers["HX-Push-Url"] = reverse("customers:list") + query
    return response


def _opened_from_list(request):
    return bool(request.htmx) and (request.htmx.current_url_abs_path or "").startswith(
        reverse("customers:list")
    )


@require_http_methods(["GET", "POST"])
@perms.role_required(perms.CUSTOMERS_MANAGE)
@once_per_form
def customer_create(request):
    card = CustomerCard(request, company=request.user.company)
    if card.wants_save() and card.is_valid():
        customer = save(
            card.form,
            services.customer_create,
            company=request.user.company,
            by=request.user,
            **card.values(),
        )
        if customer is not None:
            url = customer.get_absolute_url()
            saved(request, url)
            message = format_html(
                '{} <a href="{}">{}</a>',
                _("%(name)s has been created as customer %(number)s.")
                % {"name": customer.name, "number": customer.number},
                url,
                _("Open the customer card"),
            )
            on_list = _opened_from_list(request)
            swap = (lambda: _saved_on_list(request, customer)) if on_list else None
            return after_write(
                request, url, message, swap=swap, target="#customer-list", close_dialog=True
            )
    context = {
        "form": card.form,
        "contacts": card.contacts,
        "hints": card.hints,
        "action": reverse("customers:create"),
    }
    partial = "form" if request.method == "POST" else "dialog"
    return page(request, "customers/create.html", partial, context, status=card.status())


def _card_context(request, customer, card):
    return {
        "customer": customer,
        "form": card.form,
        "contacts": card.contacts,
        "hints": card.hints,
        "action": customer.get_absolute_url(),
        "history": selectors.customer_history(customer),
    }


@require_http_methods(["GET", "POST"])
@perms.role_required(perms.CUSTOMERS_VIEW)
def customer_detail(request, pk):
    customer = selectors.get_customer_for_user(request, pk)
    if request.method == "POST" and not request.user.has_perm(perms.CUSTOMERS_MANAGE):
        raise PermissionDenied
    card = CustomerCard(request, company=request.user.company, customer=customer)
    if card.wants_save() and card.is_valid():
        saved_customer = save(
            card.form,
            services.customer_update,
            customer=customer,
            by=request.user,
            version=card.version(),
            **card.values(),
        )
        if saved_customer is not None:

            def swap():
                """The card as saved, with a fresh form."""
                saved = selectors.get_customer_for_user(request, pk)
                fresh = CustomerCard(None, company=request.user.company, customer=saved)
                context = _card_context(request, saved, fresh)
                return render(request, "customers/detail.html#card", context)

            message = _("%(name)s has been saved.") % {"name": saved_customer.name}
            return after_write(
                request, saved_customer.get_absolute_url(), message, swap=swap, target="#card"
            )
    context = _card_context(request, customer, card)
    partial = "form" if request.method == "POST" else "card"
    return page(request, "customers/detail.html", partial, context, status=card.status())


@require_POST
@perms.role_required(perms.CUSTOMERS_MANAGE)
def customer_set_status(request, pk):
    customer = selectors.get_customer_for_user(request, pk)
    active = request.POST.get("active") == "1"
    services.customer_set_active(customer=customer, by=request.user, active=active)
    if active:
        message = _("%(name)s is active again.") % {"name": customer.name}
    else:
        message = _("%(name)s is now inactive.") % {"name": customer.name}
    context = {
        "customer": customer,
        "history": selectors.customer_history(customer),
        "status_only": True,
    }

    def swap():
        return render(request, "customers/detail.html#status", context)

    return after_write(request, customer.get_absolute_url(), message, swap=swap)


@require_http_methods(["GET", "POST"])
@perms.role_required(perms.CUSTOMERS_DELETE)
def customer_delete(request, pk):
    deleting = request.method == "POST"
    customer = selectors.get_customer_for_user(request, pk, include_deleted=deleting)
    if deleting:
        # Deleting twice (a double click, a second tab) lands on the list just the same.
        services.customer_delete(customer=customer, by=request.user)
        message = _("%(name)s has been deleted.") % {"name": customer.name}
        return after_write(request, reverse("customers:list"), message)
    return page(request, "customers/delete.html", "confirm", {"customer": customer})


@require_http_methods(["GET"])
@perms.role_required(perms.CUSTOMERS_MANAGE)
def customer_lookup(request):
    """As the user types a name or an org. no. on the card (htmx): the matching units
    in Brønnøysund and the firm's customers it may already be. Without JavaScript the
    card's "Søk i Brønnøysund" button shows the same."""
    customer = request.GET.get("customer", "")
    hints = Hints.typed(
        company=request.user.company,
        name=request.GET.get("name", "")[:200],
        org_number=request.GET.get("org_number", "")[:20],
        exclude_pk=int(customer) if customer.isdecimal() else None,
    )
    return render(request, "customers/_registry.html", {"hints": hints})


@require_http_methods(["GET", "POST"])
@perms.role_required(perms.CUSTOMERS_MANAGE)
def customer_refresh(request, pk):
    """ "Oppdater fra Brønnøysund": the card's differences from the registry, saved
    through the card's own service (its version check, its history) when confirmed."""
    customer = selectors.get_customer_for_user(request, pk)
    answer = brreg.lookup(customer.org_number) if customer.org_number else brreg.Answer()
    changed, rows = selectors.registry_changes(customer, answer.unit) if answer.unit else ({}, [])
    form = RefreshForm(request.POST or None, initial={"version": customer.version})
    if request.method == "POST" and changed and form.is_valid():
        current = {field: getattr(customer, field) for field in services.FIELDS}
        updated = save(
            form,
            services.customer_update,
            customer=customer,
            by=request.user,
            version=form.cleaned_data["version"],
            data={**current, **changed},
        )
        if updated is not None:
            message = _("%(name)s has been updated from Brønnøysund.") % {"name": updated.name}
            return after_write(request, updated.get_absolute_url(), message)
    context = {"customer": customer, "answer": answer, "rows": rows, "form": form}
    return page(request, "customers/refresh.html", "refresh", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
@perms.role_required(perms.CUSTOMERS_MANAGE)
def customer_import(request):
    """ "Importer kunder", step 1: upload a CSV or Excel file. It is kept in the
    database, so the check and the import can run on any server."""
    form = ImportUploadForm(
        request.POST or None,
        request.FILES or None,
        too_large=request.method == "POST" and tables.upload_exceeded(request),
    )
    if request.method == "POST" and form.is_valid():
        upload = services.customer_import_upload(
            company=request.user.company,
            by=request.user,
            filename=form.cleaned_data["file"].name,
            data=form.cleaned_data["file"].read(),
            mapping=imports.guess_mapping(form.table.header),
        )
        return navigate(request, reverse("customers:import_mapping", args=[upload.pk]))
    context = {
        "form": form,
        "max_mb": settings.CUSTOMER_IMPORT_MAX_BYTES // (1024 * 1024),
        "max_rows": f"{settings.CUSTOMER_IMPORT_MAX_ROWS:,}".replace(",", "\u00a0"),
    }
    status = 413 if form.too_large else form_status(form)
    return page(request, "customers/import.html", "upload", context, status=status)


@require_http_methods(["GET", "POST"])
@perms.role_required(perms.CUSTOMERS_MANAGE)
def customer_import_mapping(request, pk):
    """Step 2: the card field of each column, a preview of the first rows, and the
    choices; "Kontroller filen" checks every row, "Importer" imports (both as a job)."""
    upload = selectors.get_import_for_user(request, pk)
    table = tables.read_table(bytes(upload.data), max_rows=PREVIEW_ROWS, preview=True)
    form = ImportMappingForm(request.POST or None, upload=upload, header=table.header)
    if request.method == "POST" and form.is_valid():
        services.customer_import_choose(upload=upload, **form.choices())
        return _start_import(request, upload, dry_run="check" in request.POST)
    context = {
        "upload": upload,
        "form": form,
        "table": table,
        "columns": [
            (form[name], [row[index] for row in table.rows])
            for index, name in enumerate(form.columns)
        ],
        "preview": zip(table.numbers, table.rows, strict=True),
    }
    return page(
        request, "customers/import_mapping.html", "mapping", context, status=form_status(form)
    )


@require_POST
@perms.role_required(perms.CUSTOMERS_MANAGE)
def customer_import_run(request, pk):
    """ "Importer" on the check's result: the import, with the choices it was checked with."""
    return _start_import(request, selectors.get_import_for_user(request, pk), dry_run=False)


def _start_import(request, upload, *, dry_run):
    job = jobs.start(
        imports.JOB,
        user=request.user,
        company=request.user.company,
        params={"upload": str(upload.pk), "dry_run": dry_run},
    )
    return navigate(request, job.get_absolute_url())

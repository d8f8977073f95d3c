from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms.utils import ErrorDict, ErrorList
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts import permissions as perms
from core.idempotency import once_per_form, saved
from core.pages import StaleVersion, conflict

from . import selectors, services
from .forms import CustomerForm, contact_formset, with_contact_added, with_contact_removed

PER_PAGE = 50


def _list_url(status, q, sort, page=1):
    params = {"status": status, "q": q, "sort": sort, "page": page}
    defaults = {"status": selectors.ACTIVE, "q": "", "sort": selectors.DEFAULT_SORT, "page": 1}
    query = urlencode({k: v for k, v in params.items() if v != defaults[k]})
    return reverse("customers:list") + (f"?{query}" if query else "")


def _list_context(*, status, q, sort, page, highlight=None):
    rows = selectors.customer_list(status=status, q=q, sort=sort)
    counts = selectors.customer_tab_counts()
    paginator = Paginator(rows, PER_PAGE)
    if not q:
        paginator.count = counts[status]  # the tab's count is the list's count
    page = paginator.get_page(page)
    page.object_list = selectors.customer_page_rows(page.object_list, sort)
    tabs = [
        (selectors.ACTIVE, pgettext("customer list tab", "Active"), counts["active"]),
        (selectors.INACTIVE, pgettext("customer list tab", "Inactive"), counts["inactive"]),
    ]
    return {
        "status": status,
        "q": q,
        "sort": sort,
        "page": page,
        "highlight": highlight,
        "tabs": [
            {"label": label, "count": n, "url": _list_url(key, q, sort), "current": key == status}
            for key, label, n in tabs
        ],
        "sort_urls": {
            column: _list_url(status, q, f"-{column}" if sort == column else column)
            for column in ("name", "number")
        },
        "page_urls": {
            "previous": page.has_previous() and _list_url(status, q, sort, page.number - 1),
            "next": page.has_next() and _list_url(status, q, sort, page.number + 1),
        },
    }


@require_http_methods(["GET"])
@perms.role_required(perms.CUSTOMERS_VIEW)
def customer_list(request):
    status = request.GET.get("status")
    status = status if status == selectors.INACTIVE else selectors.ACTIVE
    sort = request.GET.get("sort")
    sort = sort if sort in selectors.SORTS else selectors.DEFAULT_SORT
    q = request.GET.get("q", "").strip()[:100]
    context = _list_context(status=status, q=q, sort=sort, page=request.GET.get("page"))
    template = "customers/list.html#list" if request.htmx else "customers/list.html"
    return render(request, template, context)


def _bind(request, customer=None):
    """The card's form and contact persons; ``only_rows`` when the POST only adds or
    removes a contact row (re-render, save nothing, show no errors yet)."""
    company = request.user.company
    if request.method != "POST":
        form = CustomerForm(company=company, customer=customer)
        return form, contact_formset(customer=customer), False
    data, only_rows = request.POST, True
    if "add_contact" in data:
        data = with_contact_added(data)
    elif "remove_contact" in data:
        data = with_contact_removed(data, data["remove_contact"])
    else:
        only_rows = False
    form = CustomerForm(data, company=company, customer=customer)
    contacts = contact_formset(data, customer=customer)
    if only_rows:
        form._errors = ErrorDict()
        for contact in contacts.forms:
            contact._errors = ErrorDict()
        contacts._non_form_errors = ErrorList()
    return form, contacts, only_rows


def _save(request, form, contacts, write):
    """Run ``write(data, contacts)`` if the card is valid; return (result, status)."""
    if not (form.is_valid() and contacts.is_valid()):
        return None, 422
    try:
        return write(form.customer_data(), contacts.contacts()), 200
    except StaleVersion as stale:
        conflict(form, stale)
        return None, 409
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return None, 422


def _close_dialog(response):
    response.headers["HX-Trigger"] = "closeDialog"
    return response


@require_http_methods(["GET", "POST"])
@perms.role_required(perms.CUSTOMERS_MANAGE)
@once_per_form
def customer_create(request):
    form, contacts, only_rows = _bind(request)
    status = 200
    if request.method == "POST" and not only_rows:

        def write(data, rows):
            return services.customer_create(
                company=request.user.company, by=request.user, data=data, contacts=rows
            )

        customer, status = _save(request, form, contacts, write)
        if customer is not None:
            messages.success(request, _("%(name)s has been created.") % {"name": customer.name})
            saved(request, reverse("customers:detail", args=[customer.pk]))
            return _after_create(request, customer)
    context = {"form": form, "contacts": contacts, "action": reverse("customers:create")}
    if request.method == "POST" and request.htmx:
        template = "customers/_form.html"
    elif request.htmx:
        template = "customers/create.html#dialog"
    else:
        template = "customers/create.html"
    return render(request, template, context, status=status)


def _after_create(request, customer):
    """Back on the list (htmx): show the page that holds the new customer; else the card."""
    card = reverse("customers:detail", args=[customer.pk])
    on_list = request.htmx and (request.htmx.current_url_abs_path or "").startswith(
        reverse("customers:list")
    )
    if not on_list:
        return HttpResponseClientRedirect(card) if request.htmx else redirect(card)
    page = selectors.customer_position(customer) // PER_PAGE + 1
    sort = selectors.DEFAULT_SORT
    context = _list_context(
        status=selectors.ACTIVE, q="", sort=sort, page=page, highlight=customer.pk
    )
    context["reset_search"] = True
    response = render(request, "customers/list.html#list", context)
    response.headers["HX-Retarget"] = "#customer-list"
    response.headers["HX-Reswap"] = "outerHTML"
    response.headers["HX-Push-Url"] = _list_url(selectors.ACTIVE, "", sort, page)
    return _close_dialog(response)


def _card_context(request, customer, form=None, contacts=None):
    if form is None:
        form, contacts, _only_rows = _bind(request, customer)
    return {
        "customer": customer,
        "form": form,
        "contacts": contacts,
        "action": reverse("customers:detail", args=[customer.pk]),
        "history": selectors.customer_history(customer),
    }


@require_http_methods(["GET", "POST"])
@perms.role_required(perms.CUSTOMERS_VIEW)
def customer_detail(request, pk):
    customer = selectors.get_customer_for_user(request, pk)
    if request.method == "POST" and not request.user.has_perm(perms.CUSTOMERS_MANAGE):
        raise PermissionDenied
    form, contacts, only_rows = _bind(request, customer)
    status = 200
    if request.method == "POST" and not only_rows:

        def write(data, rows):
            version = form.cleaned_data.get("version") or 0
            return services.customer_update(
                customer=customer, by=request.user, version=version, data=data, contacts=rows
            )

        saved, status = _save(request, form, contacts, write)
        if saved is not None:
            messages.success(request, _("%(name)s has been saved.") % {"name": saved.name})
            if not request.htmx:
                return redirect("customers:detail", pk=customer.pk)
            saved = selectors.get_customer_for_user(request, pk)
            response = render(request, "customers/detail.html#card", _card_context(request, saved))
            response.headers["HX-Retarget"] = "#card"
            response.headers["HX-Reswap"] = "outerHTML"
            return _close_dialog(response)
    context = _card_context(request, customer, form, contacts)
    if request.method == "POST" and request.htmx:
        return render(request, "customers/_form.html", context, status=status)
    template = "customers/detail.html#card" if request.htmx else "customers/detail.html"
    return render(request, template, context, status=status)


@require_POST
@perms.role_required(perms.CUSTOMERS_MANAGE)
def customer_set_status(request, pk):
    customer = selectors.get_customer_for_user(request, pk)
    active = request.POST.get("active") == "1"
    services.customer_set_active(customer=customer, by=request.user, active=active)
    if active:
        messages.success(request, _("%(name)s is active again.") % {"name": customer.name})
    else:
        messages.success(request, _("%(name)s is now inactive.") % {"name": customer.name})
    if not request.htmx:
        return redirect("customers:detail", pk=customer.pk)
    context = {
        "customer": customer,
        "history": selectors.customer_history(customer),
        "status_only": True,
    }
    return render(request, "customers/detail.html#status", context)


@require_http_methods(["GET", "POST"])
@perms.role_required(perms.CUSTOMERS_DELETE)
def customer_delete(request, pk):
    deleting = request.method == "POST"
    customer = selectors.get_customer_for_user(request, pk, include_deleted=deleting)
    if deleting:
        # Deleting twice (a double click, a second tab) lands on the list just the same.
        services.customer_delete(customer=customer, by=request.user)
        messages.success(request, _("%(name)s has been deleted.") % {"name": customer.name})
        if request.htmx:
            return HttpResponseClientRedirect(reverse("customers:list"))
        return redirect("customers:list")
    template = "customers/delete.html#confirm" if request.htmx else "customers/delete.html"
    return render(request, template, {"customer": customer})

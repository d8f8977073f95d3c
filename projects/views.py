from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import permissions as perms
from core.forms import render_options, search_term
from core.idempotency import once_per_form, saved
from core.pages import after_write, form_status, page, save

from . import selectors, services
from .forms import AccessForm, ProjectForm, customer_label
from .models import ProjectStatus
from .rows import ProjectRows

PAGE_SIZE = 50


@require_GET
@perms.role_required(perms.PROJECTS_VIEW)
def project_list(request):
    status = request.GET.get("status")
    if status not in ProjectStatus.values:
        status = ProjectStatus.IN_PROGRESS
    q = request.GET.get("q", "").strip()
    counts = selectors.project_tab_counts(request.user, q=q)
    paginator = Paginator(selectors.project_list(request.user, status=status, q=q), PAGE_SIZE)
    paginator.count = counts[status]  # known already: saves the COUNT query
    rows = paginator.get_page(request.GET.get("page"))
    show_budget = request.user.has_perm(perms.PROJECTS_VIEW_ALL)
    list_url = reverse("projects:list")
    context = {
        "page": rows,
        "rows": ProjectRows(rows.object_list, list_url=list_url, show_budget=show_budget),
        "status": status,
        "q": q,
        "tabs": [(value, label, counts[value]) for value, label in ProjectStatus.choices],
    }
    return page(request, "projects/list.html", "results", context)


def _form_page(request, form, project=None):
    context = {"form": form, "project": project}
    return page(request, "projects/form.html", "form", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
@perms.role_required(perms.PROJECTS_MANAGE)
@once_per_form
def project_create(request):
    # ?customer= from "Opprett prosjekt" on a customer card; after a search without
    # JavaScript, everything typed so far.
    initial = {"number": selectors.next_project_number(), **request.GET.dict()}
    form = ProjectForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        project = save(
            form,
            services.project_create,
            company=request.user.company,
            by=request.user,
            **form.project_fields(),
        )
        if project is not None:
            saved(request, project.get_absolute_url())
            message = _("The project %(project)s has been created.") % {"project": project}
            return after_write(request, project.get_absolute_url(), message)
    return _form_page(request, form)


@require_http_methods(["GET", "POST"])
@perms.role_required(perms.PROJECTS_MANAGE)
def project_update(request, pk):
    project = selectors.get_project_for_user(request, pk)
    try:
        project.check_editable()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return after_write(request, project.get_absolute_url())
    initial = {field: getattr(project, field) for field in services.FIELDS}
    initial["version"] = project.version
    initial.update(request.GET.dict())  # what was typed before a search without JavaScript
    form = ProjectForm(request.POST or None, user=request.user, project=project, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved_project = save(
            form,
            services.project_update,
            project=project,
            by=request.user,
            version=form.cleaned_data["version"],
            **form.project_fields(),
        )
        if saved_project is not None:
            return after_write(
                request, project.get_absolute_url(), _("The project has been saved.")
            )
    return _form_page(request, form, project)


def _detail_context(project, access_form=None):
    if access_form is None:
        access_form = AccessForm(
            initial={
                "access": project.access,
                "members": list(selectors.project_member_ids(project)),
            }
        )
    return {
        "project": project,
        "customer_label": customer_label(project.customer) if project.customer else "",
        "access_form": access_form,
    }


@require_GET
@perms.role_required(perms.PROJECTS_VIEW)
def project_detail(request, pk):
    project = selectors.get_project_for_user(request, pk)
    if not request.user.has_perm(perms.PROJECTS_MANAGE):
        return render(request, "projects/detail.html", {"project": project})
    return render(request, "projects/detail.html", _detail_context(project))


@require_POST
@perms.role_required(perms.PROJECTS_MANAGE)
def project_access(request, pk):
    project = selectors.get_project_for_user(request, pk)
    form = AccessForm(request.POST)
    if form.is_valid():
        access = {"project": project, "by": request.user, **form.cleaned_data}
        if save(form, services.project_set_access, **access) is not None:
            context = {"project": project, "access_form": form, "saved": True}
            message = _("Employee access has been saved.")

            def swap():
                return render(request, "projects/detail.html#access", context)

            return after_write(request, project.get_absolute_url(), message, swap=swap)
    context = _detail_context(project, access_form=form)
    return page(request, "projects/detail.html", "access", context, status=form_status(form))


@require_POST
@perms.role_required(perms.PROJECTS_MANAGE)
def project_set_status(request, pk):
    project = selectors.get_project_for_user(request, pk)
    try:
        services.project_set_status(
            project=project, by=request.user, status=request.POST.get("status")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return after_write(request, project.get_absolute_url())
    if project.is_done:
        return after_write(request, project.get_absolute_url(), _("The project is finished."))
    return after_write(request, project.get_absolute_url(), _("The project has been reopened."))


@require_http_methods(["GET", "POST"])
@perms.role_required(perms.PROJECTS_MANAGE)
def project_delete(request, pk):
    """POST deletes; GET asks first (the page the delete button opens)."""
    project = selectors.get_project_for_user(request, pk)
    if request.method == "GET":
        context = {"project": project, "has_hours": selectors.project_has_hours(project)}
        return page(request, "projects/delete.html", None, context)
    try:
        services.project_delete(project=project, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return after_write(request, project.get_absolute_url())
    message = _("The project %(project)s has been deleted.") % {"project": project}
    return after_write(request, reverse("projects:list"), message)


@require_GET
@perms.role_required(perms.PROJECTS_MANAGE)
def customer_options(request):
    customers = selectors.customer_options(request.user, search_term(request, "customer"))
    return render_options(request, customers, label=customer_label, empty_label=_("No customer"))

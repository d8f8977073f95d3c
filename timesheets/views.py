import datetime
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import permissions as perms
from accounts import security_log
from accounts.selectors import users_of_company
from core import panels
from core.forms import render_options, search_term
from core.idempotency import once_per_form, saved
from core.jobs import start as start_job
from core.pages import (
    CONFLICT,
    after_write,
    form_status,
    id_from,
    navigate,
    page,
    refuse,
    safe_next,
    save,
)
from core.replica import replica_reads
from core.templatetags.core import hours as hours_shown
from core.validators import date_in_range
from customers.models import Customer
from customers.selectors import search_customers
from projects.models import Project
from projects.selectors import pickable_customers, pickable_projects, search_projects

from . import exports, selectors, services
from .forms import OverviewFilterForm, TimeEntryForm, TimerForm
from .jobs import EXPORT_XLSX
from .models import TimeEntry
from .rows import OverviewRows

PAGE_SIZE = 50
# "Timeoversikt" lists the biggest groups of its totals, the rest in one line, unless
# asked for all (?totals=all): a firm of 300 employees is a long table on a phone.
TOTALS_SHOWN = 20


def _week_url(week, subject=None, request=None):
    url = f"{reverse('timesheets:week')}?week={week}"
    if subject is not None and request is not None and subject != request.user:
        url += f"&user={subject.pk}"
    return url


def _safe_next(request, default):
    """Where the form came from, when that is a path of this site; else ``default``."""
    return safe_next(request, request.POST.get("next") or request.GET.get("next"), default)


def _week_context(request, subject, week, highlight=None):
    entries = list(selectors.week_entries(subject, week))
    return {
        "subject": subject,
        "own": subject == request.user,
        "week": week,
        "days": selectors.week_days(entries, week),
        "total": sum((e.hours for e in entries), selectors.ZERO),
        "unapproved": sum(1 for e in entries if not e.is_approved),
        "today": selectors.today(),
        "this_week": selectors.Week.of(selectors.today()),
        "week_url": _week_url(week, subject, request),
        "highlight": highlight,
        "timer": selectors.running_timer(request, names=True) if subject == request.user else None,
    }


@require_GET
@perms.role_required(perms.HOURS_LOG)
def week(request):
    """ "Mine timer": the user's ISO week; managers may open an employee's week."""
    subject = request.user
    if request.GET.get("user") and request.user.has_perm(perms.HOURS_VIEW_ALL):
        subject = get_object_or_404(users_of_company(), pk=id_from(request.GET["user"]))
    current = selectors.Week.parse(request.GET.get("week"), default=selectors.today())
    # ?saved=: the entry just saved, marked (and scrolled to by the address's #entry-);
    # ?describe=: the entry a timer just made, its form opened for the description.
    context = _week_context(request, subject, current, highlight=id_from(request.GET.get("saved")))
    describe = id_from(request.GET.get("describe"))
    shown = {entry.pk for day in context["days"] for entry in day.entries}
    context["describe"] = describe if context["own"] and describe in shown else None
    if context["own"] and not request.htmx:
        context["timer_projects"] = _timer_projects(request)
    return page(request, "timesheets/week.html", "week", context)


def _timer_projects(request):
    """The user's latest projects, one tap each to start a timer on, while none runs."""
    if selectors.running_timer(request, names=True) is not None:
        return []
    return selectors.recent_projects(request.user, pickable_projects(request.user))


def _form_page(request, form):
    entry = form.entry
    if entry is not None:
        back = _week_url(selectors.Week.of(entry.date), entry.user, request)
    else:
        back = _week_url(selectors.Week.of(_date(request.GET.get("date"))))
    context = {
        "form": form,
        "entry": entry,
        "history": selectors.entry_history(entry) if entry else [],
        "next": _safe_next(request, back),
        "back": back,
        "timer": selectors.running_timer(request, names=True),
    }
    return page(request, "timesheets/entry_form.html", "form", context, status=form_status(form))


def _invoiced_page(request, entry, *, refused=False):
    """An invoiced entry, shown and not changed: its values as text, its materials and
    driving, and in which basis it was billed (the slot ``timesheets.invoiced``, which
    invoicing fills). A write to it (``refused``) is a 409 that says why."""
    status = 200
    if refused:
        messages.error(request, services.locked_message(request.user, entry))
        status = 409
    back = _week_url(selectors.Week.of(entry.date), entry.user, request)
    context = {
        "entry": entry,
        "invoiced": panels.render("timesheets.invoiced", request, entry),
        "history": selectors.entry_history(entry),
        "back": _safe_next(request, back),
    }
    return page(request, "timesheets/entry_form.html", "invoiced", context, status=status)


def _saved(request, entry, message, *, deleted=False):
    """After a write: the entry's week in place, the entry marked (htmx), else back
    where the user was."""
    week = selectors.Week.of(entry.date)

    def swap():
        context = _week_context(request, entry.user, week, highlight=None if deleted else entry.pk)
        return render(request, "timesheets/week.html#week", context)

    url = _safe_next(request, _week_url(week, entry.user, request))
    if not deleted and urlsplit(url).path == reverse("timesheets:week"):
        url = f"{url}{'&' if '?' in url else '?'}saved={entry.pk}#entry-{entry.pk}"
    # In place in the week's dialog; from the form's own page (opened in a tab of its
    # own), on to the week.
    page_url = request.htmx.current_url if request.htmx else None
    if page_url and urlsplit(page_url).path != reverse("timesheets:week"):
        swap = None
    return after_write(request, url, message, swap=swap, target="#week", close_dialog=True)


@require_http_methods(["GET", "POST"])
@perms.role_required(perms.HOURS_LOG)
@once_per_form
def entry_create(request):
    # ?date= from the week; after a search without JavaScript, everything typed so far.
    initial = request.GET.dict()
    form = TimeEntryForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        entry = save(
            form,
            services.entry_create,
            company=request.user.company,
            by=request.user,
            **form.entry_values(),
        )
        if entry is not None:
            saved(request, _week_url(selectors.Week.of(entry.date), entry.user, request))
            return _saved(request, entry, _("The hours have been saved."))
    return _form_page(request, form)


@require_http_methods(["GET", "POST"])
@perms.role_required(perms.HOURS_LOG)
@once_per_form
def entry_update(request, pk):
    entry = selectors.get_entry_for_user(request, pk)
    if entry.is_invoiced:
        return _invoiced_page(request, entry, refused=request.method == "POST")
    form = TimeEntryForm(
        request.POST or None, user=request.user, entry=entry, initial=request.GET.dict()
    )
    if not services.can_change(request.user, entry):
        refusal = services.state_refusal(request.user, entry)
        if request.method == "POST" and refusal:
            # Approved, handed in or invoiced while the form was open: say so and keep
            # the input.
            refuse(form, refusal)
            return _form_page(request, form)
        # Opened (the overview links every entry for an Administrator): the 403 page
        # says why, where it is the entry's state and not the user's role.
        raise services.EntryLocked(refusal)
    if request.method == "POST" and form.is_valid():
        saved_entry = save(
            form,
            services.entry_update,
            entry=entry,
            by=request.user,
            version=form.cleaned_data["version"],
            **form.entry_values(),
        )
        if saved_entry is not None:
            # The form's token: the same change sent again (from the phone's queue,
            # after an answer that was lost) is not a conflict with itself.
            week = selectors.Week.of(saved_entry.date)
            saved(request, _week_url(week, saved_entry.user, request))
            return _saved(request, saved_entry, _("The hours have been saved."))
    return _form_page(request, form)


@require_http_methods(["GET", "POST"])
@perms.role_required(perms.HOURS_LOG)
@once_per_form
def entry_delete(request, pk):
    """POST deletes; GET asks first (the page the delete link opens without JavaScript)."""
    entry = selectors.get_entry_for_user(request, pk)
    if entry.is_invoiced:
        if request.htmx:  # from the week, which may be older than the basis
            messages.error(request, services.locked_message(request.user, entry))
            context = _week_context(request, entry.user, selectors.Week.of(entry.date))
            return page(request, "timesheets/week.html", "week", context, status=409)
        return _invoiced_page(request, entry, refused=True)
    if not services.can_change(request.user, entry):
        raise services.EntryLocked(services.state_refusal(request.user, entry))
    if request.method == "GET":
        back = _week_url(selectors.Week.of(entry.date), entry.user, request)
        context = {"entry": entry, "next": _safe_next(request, back), "back": back}
        return render(request, "timesheets/entry_confirm_delete.html", context)
    services.entry_delete(entry=entry, by=request.user)
    saved(request, _week_url(selectors.Week.of(entry.date), entry.user, request))
    return _saved(request, entry, _("The entry has been deleted."), deleted=True)


@require_POST
@perms.role_required(perms.HOURS_LOG)
@once_per_form
def entry_copy(request):
    """ "Kopier i går" (day=: the day before, onto it) and "Kopier forrige uke" (week=:
    the week before, onto it): the user's own entries again."""
    if "week" in request.POST:
        target = selectors.Week.parse(request.POST["week"], default=selectors.today())
        source = selectors.Week(target.monday - datetime.timedelta(days=7))
        entries, days = selectors.entries_in_week(request.user, source), 7
    else:
        day = _date(request.POST.get("day"))
        target = selectors.Week.of(day)
        entries = selectors.day_entries(request.user, day - datetime.timedelta(days=1))
        days = 1
    try:
        copy = services.entries_copy(entries=entries, by=request.user, days=days)
    except ValidationError as error:
        # A day would pass 24 hours, or is in a handed-in week: nothing copied, the
        # week as it is, and why.
        messages.error(request, " ".join(error.messages))
        context = _week_context(request, request.user, target)
        return page(request, "timesheets/week.html", "week", context, status=409)

    def swap():
        context = _week_context(request, request.user, target)
        return render(request, "timesheets/week.html#week", context)

    url = _week_url(target)
    saved(request, url)
    return after_write(request, url, _copied_message(copy), swap=swap, target="#week")


def _copied_message(copy):
    if not copy.copied and not copy.left:
        return _("There was nothing to copy.")
    message = ngettext("%(count)d entry copied.", "%(count)d entries copied.", copy.copied) % {
        "count": copy.copied
    }
    if copy.left:
        message += " " + ngettext(
            "%(count)d was left out: its project or customer can no longer be chosen.",
            "%(count)d were left out: their project or customer can no longer be chosen.",
            copy.left,
        ) % {"count": copy.left}
    return message


# The timer ("Tidtaker") -----------------------------------------------------------


def _replayed(request):
    """A tap kept on the phone without a connection and sent now (with how long ago it
    was tapped: services.TAPPED_FIELD), by the page or the service worker."""
    return services.TAPPED_FIELD in request.POST


def _tapped_at(request):
    """The moment of the tap (services.tapped_at): now, or the tap kept on the phone."""
    return services.tapped_at(request.POST.get(services.TAPPED_FIELD))


def _said(request, message):
    """The message of a saved tap, except for one kept on the phone: the phone says it
    was saved itself, and the message would wait in the session for a later page."""
    return None if _replayed(request) else message


def _timer_refused(request, error):
    """A start or stop that was refused: why, on "Mine timer", where the running timer
    (and the midnight rule's question) is shown; nothing saved. 409 where the state
    refused it (a timer running, a week handed in, a timer stopped on another phone),
    else 422. A tap kept on the phone gets the page with its status, htmx or not, so
    the phone shows the refusal instead of taking the answer for saved."""
    by_field = hasattr(error, "error_dict")
    status = 409 if not by_field and any(e.code == CONFLICT for e in error.error_list) else 422
    if by_field:
        labels = TimeEntryForm.base_fields  # the entry's words for its fields
        texts = [
            f"{labels[name].label}: {message}" if name in labels else message
            for name, errors in error.error_dict.items()
            for message in ValidationError(errors).messages
        ]
    else:
        texts = error.messages
    messages.error(request, " ".join(texts))
    if request.htmx and not _replayed(request):
        return navigate(request, reverse("timesheets:week"))
    request.__dict__.pop("_running_timer", None)  # as it is now, after the refusal
    context = _week_context(request, request.user, selectors.Week.of(selectors.today()))
    context["timer_projects"] = _timer_projects(request)
    return page(request, "timesheets/week.html", None, context, status=status)


@require_POST
@perms.role_required(perms.HOURS_LOG)
@once_per_form
def timer_start(request):
    """ "Start tidtaker" on "Før timer" and "Mine timer": on the project and customer
    picked there, from the moment of the tap."""
    form = TimerForm(request.POST, user=request.user)
    if not form.is_valid():
        return _timer_refused(request, ValidationError(form.errors.as_data()))
    fields = form.cleaned_data
    try:
        services.timer_start(
            company=request.user.company,
            by=request.user,
            project=fields["project"],
            customer=fields["customer"],
            key=fields["timer_key"],
            at=_tapped_at(request),
        )
    except ValidationError as error:
        return _timer_refused(request, error)
    url = reverse("timesheets:week")
    saved(request, url)
    return after_write(request, f"{url}#timer", _said(request, _("The timer has started.")))


def _own_timer(request, key):
    """The user's timer ``key``, or the answer that it is already stopped (another
    phone): for a tap kept on the phone, a refusal it shows, never taken for saved."""
    timer = selectors.get_timer_for_user(request, key)
    if timer is None:
        if _replayed(request):
            return None, _timer_refused(request, ValidationError(services.TIMER_GONE, CONFLICT))
        messages.info(request, services.TIMER_GONE)
        return None, navigate(request, reverse("timesheets:week"))
    return timer, None


@require_POST
@perms.role_required(perms.HOURS_LOG)
@once_per_form
def timer_stop(request, key):
    """ "Stopp": the time until the tap becomes an entry, opened for its description:
    in the week's dialog with JavaScript, else on the entry's own form."""
    timer, gone = _own_timer(request, key)
    if gone:
        return gone
    try:
        entry = services.timer_stop(
            timer=timer, by=request.user, end=request.POST.get("end"), at=_tapped_at(request)
        )
    except ValidationError as error:
        return _timer_refused(request, error)
    week = _week_url(selectors.Week.of(entry.date))
    if request.htmx:
        url = f"{week}&saved={entry.pk}&describe={entry.pk}#entry-{entry.pk}"
    else:
        edit = reverse("timesheets:entry_update", args=[entry.pk])
        url = f"{edit}?{urlencode({'describe': 1, 'next': week})}"
    saved(request, url)
    message = _("The timer has stopped: %(hours)s h. Describe the work and save.") % {
        "hours": hours_shown(entry.hours)
    }
    return after_write(request, url, _said(request, message))


@require_POST
@perms.role_required(perms.HOURS_LOG)
@once_per_form
def timer_discard(request, key):
    """ "Forkast": the timer is thrown away, no hours logged."""
    timer, gone = _own_timer(request, key)
    if gone:
        return gone
    services.timer_discard(timer=timer, by=request.user)
    url = reverse("timesheets:week")
    saved(request, url)
    return after_write(request, url, _said(request, _("The timer has been discarded.")))


def _with_deleted(request, alive, everything):
    """Pickers offer ``alive``; the overview's filters (?all=1) may find deleted ones."""
    if request.GET.get("all") and request.user.has_perm(perms.HOURS_VIEW_ALL):
        return everything
    return alive


def _empty_label(request, name):
    form = OverviewFilterForm if request.GET.get("all") else TimeEntryForm
    return form.base_fields[name].empty_label


@require_GET
@perms.role_required(perms.HOURS_LOG)
def customer_options(request):
    customers = _with_deleted(request, pickable_customers(request.user), Customer.objects.all())
    found = search_customers(customers, search_term(request, "customer")).order_by("name", "number")
    return render_options(
        request,
        found,
        label=TimeEntryForm.base_fields["customer"].label_from_instance,
        empty_label=_empty_label(request, "customer"),
    )


@require_GET
@perms.role_required(perms.HOURS_LOG)
def project_options(request):
    projects = _with_deleted(request, pickable_projects(request.user), Project.objects.all())
    found = search_projects(projects, search_term(request, "project"))
    found = found.select_related("customer").order_by("-number")
    return render_options(
        request,
        found,
        label=TimeEntryForm.base_fields["project"].label_from_instance,
        empty_label=_empty_label(request, "project"),
    )


@require_GET
@perms.role_required(perms.HOURS_LOG)
def customer_field(request):
    """The "Kunde" picker again, with the chosen project's customer selected."""
    form = TimeEntryForm(user=request.user)
    customer = request.GET.get("customer") or None
    project = form.fields["project"].queryset.filter(pk=id_from(request.GET.get("project"))).first()
    if project and project.customer_id:
        customer = project.customer_id
    form.initial["customer"] = customer
    return render(request, "timesheets/entry_form.html#customer-field", {"form": form})


def _date(value):
    """The ISO day of a link (?date=), or today for anything else."""
    try:
        day = datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return selectors.today()
    return day if date_in_range(day) else selectors.today()


@require_GET
@perms.role_required(perms.HOURS_VIEW_ALL)
@replica_reads
def overview(request):
    """ "Timeoversikt": everyone's entries, filtered, with totals per group."""
    form = OverviewFilterForm(request.GET, user=request.user)
    filters = form.filters()
    entries = selectors.filter_entries(TimeEntry.objects.alive(), **filters)
    totals = selectors.group_totals(filters, form.grouping)
    total, count = selectors.all_of(totals)
    # The page's ids first, ordered over the index and the employees' names alone; then
    # those 50 rows with what they show. In one query the database joins each entry of
    # the sorted days to its customer and project before it cuts the page.
    ordered = entries.order_by("date", "user__name", "id")
    paginator = Paginator(ordered.values_list("pk", flat=True), PAGE_SIZE)
    paginator.count = count  # the groups' sum: not counted a second time
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = selectors.entry_rows(ordered.filter(pk__in=list(page.object_list)))
    all_totals = request.GET.get("totals") == "all"
    rest = [] if all_totals else totals[TOTALS_SHOWN:]
    context = {
        "form": form,
        "page": page,
        "rows": OverviewRows(page.object_list, user=request.user, next_url=request.get_full_path()),
        "totals": totals if all_totals else totals[:TOTALS_SHOWN],
        "rest": {"groups": len(rest), "hours": selectors.all_of(rest)[0]} if rest else None,
        "all_totals": all_totals and len(totals) > TOTALS_SHOWN,
        "totals_shown": TOTALS_SHOWN,
        "group": form.grouping,
        "total": total,
        "here": request.get_full_path(),
        "week_of_from": selectors.Week.of(filters["date_from"] or selectors.today()),
    }
    return render(request, "timesheets/overview.html", context)


@require_POST
@perms.role_required(perms.HOURS_APPROVE)
def approve(request):
    """ "Godkjenn": one entry, the selected ones, or a whole week of one employee."""
    if request.POST.get("entry"):
        entries = selectors.entries_by_ids([id_from(request.POST["entry"])])
    elif request.POST.get("week") and request.POST.get("user"):
        subject = get_object_or_404(users_of_company(), pk=id_from(request.POST["user"]))
        week = selectors.Week.parse(request.POST["week"], default=selectors.today())
        entries = selectors.entries_in_week(subject, week)
    else:
        entries = selectors.entries_by_ids([id_from(pk) for pk in request.POST.getlist("entries")])
    approval = services.entries_approve(entries=entries, by=request.user)
    back = _safe_next(request, reverse("timesheets:overview"))
    if approval.own_left:
        own = ngettext(
            "You cannot approve your own hours: %(count)d entry of yours is left for "
            "an Administrator or another Moderator.",
            "You cannot approve your own hours: %(count)d entries of yours are left for "
            "an Administrator or another Moderator.",
            approval.own_left,
        )
        messages.warning(request, own % {"count": approval.own_left})
    count = approval.approved
    if not count:
        if not approval.own_left:
            messages.info(request, _("Nothing to approve: choose entries that are not approved."))
        return after_write(request, back)
    message = ngettext("%(count)d entry approved.", "%(count)d entries approved.", count)
    return after_write(request, back, message % {"count": count})


@require_POST
@perms.role_required(perms.HOURS_CHANGE_APPROVED)
def reopen(request, pk):
    entry = selectors.get_entry_for_user(request, pk)
    services.entry_reopen(entry=entry, by=request.user)
    message = _("The entry is open again: its owner can change it.")
    return after_write(request, _safe_next(request, reverse("timesheets:overview")), message)


@require_GET
@perms.role_required(perms.HOURS_EXPORT)
@replica_reads
def export(request, fmt):
    if fmt not in exports.FORMATS:
        raise Http404
    filters = OverviewFilterForm(request.GET, user=request.user).filters()
    if exports.made_by_job(fmt, filters):
        # Logged when its file is downloaded (timesheets/jobs.py).
        params = {"query": request.GET.urlencode()}
        user = request.user
        job = start_job(EXPORT_XLSX, user=user, company=user.company, params=params)
        return redirect(job)
    entries = selectors.exported_entries(request.user, filters)
    security_log.record(
        security_log.Kind.EXPORTED, request=request, detail=exports.log_detail(fmt, filters)
    )
    return exports.FORMATS[fmt](entries)

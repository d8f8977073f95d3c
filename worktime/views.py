import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import permissions as perms
from accounts import security_log
from accounts.selectors import active_users
from core.pages import after_write, form_errors, form_status, id_from, page, save
from core.replica import replica_reads
from core.validators import FIRST_DATE, LAST_DATE
from timesheets.selectors import Week

from . import calendar, exports, payroll, selectors, services
from .forms import (
    AbsenceForm,
    AbsenceTypeForm,
    DayOffForm,
    DecisionForm,
    HandInForm,
    HolidayAllowanceForm,
    OvertimeRulesForm,
    PayrollPeriodForm,
    ReminderSettingsForm,
    ScheduleForm,
    SendBackForm,
    TimebankStartForm,
    WageTypesForm,
)
from .models import AbsenceType, DayOff


def _employee_page(request, employee, schedule_form=None, start_form=None, allowance_form=None):
    schedules = selectors.schedules_of(employee)
    today = timezone.localdate()
    current = selectors.schedule_on(schedules, today)
    start = selectors.timebank_start_of(employee)
    schedule_form = schedule_form or ScheduleForm(current=current)
    start_form = start_form or TimebankStartForm(instance=start)
    holiday = selectors.holiday_balance(employee, today.year)
    allowance_form = allowance_form or HolidayAllowanceForm(
        initial={"year": today.year, "days": holiday.days, "carried_over": holiday.carried_over}
    )
    context = {
        "employee": employee,
        "schedules": schedules,
        "current": current,
        "schedule_form": schedule_form,
        "start_form": start_form,
        "allowance_form": allowance_form,
        "holiday": holiday,
    }
    status = form_status(schedule_form, start_form, allowance_form)
    return page(request, "worktime/employee.html", None, context, status=status)


@require_http_methods(["GET", "POST"])
@perms.role_required(perms.WORKTIME_MANAGE)
def employee(request, pk):
    """An employee's "Arbeidstid": the schedules, a new one, the timebank's start."""
    if request.method == "GET":
        return _employee_page(request, selectors.get_employee(pk))
    message = _("The working time of %(name)s has been saved.")
    return _employee_box(request, pk, ScheduleForm, services.schedule_set, message, "schedule_form")


def _employee_box(request, pk, form_class, write, message, form_name):
    """A box of the employee's page posted: its form saved by ``write`` and the page
    again with ``message``, or the page with the box's errors (``form_name``)."""
    employee = selectors.get_employee(pk)
    form = form_class(request.POST)
    if form.is_valid():
        values = {"user": employee, "by": request.user, **form.cleaned_data}
        if save(form, write, **values) is not None:
            done = message % {"name": employee}
            return after_write(request, reverse("worktime:employee", args=[pk]), done)
    return _employee_page(request, employee, **{form_name: form})


@require_POST
@perms.role_required(perms.WORKTIME_MANAGE)
def timebank_start(request, pk):
    message = _("The timebank of %(name)s has been saved.")
    write = services.timebank_start_set
    return _employee_box(request, pk, TimebankStartForm, write, message, "start_form")


def _rules_page(
    request, rules_form=None, day_form=None, type_form=None, reminder_form=None, wage_form=None
):
    rules = selectors.firm_rules()
    absence_types = list(selectors.absence_types())
    context = {
        "rules_form": rules_form or OvertimeRulesForm(instance=rules),
        "day_form": day_form or DayOffForm(),
        "days_off": DayOff.objects.all(),
        "type_form": type_form or AbsenceTypeForm(),
        "absence_types": absence_types,
        "reminder_form": reminder_form or ReminderSettingsForm(instance=rules),
        "wage_form": wage_form or _wage_types_form(None, absence_types),
    }
    forms = ["rules_form", "day_form", "type_form", "reminder_form", "wage_form"]
    status = form_status(*(context[name] for name in forms))
    return page(request, "worktime/rules.html", None, context, status=status)


def _rules_box(request, form, service, message, name):
    """A box of the rules page posts through here: saved, on to the page with
    ``message``; refused, the page again with ``form`` in the box ``name``."""
    if form.is_valid():
        values = {"company": request.user.company, "by": request.user, **form.cleaned_data}
        if save(form, service, **values) is not None:
            return after_write(request, reverse("worktime:rules"), message)
    return _rules_page(request, **{name: form})


@require_http_methods(["GET", "POST"])
@perms.role_required(perms.WORKTIME_MANAGE)
def rules(request):
    """The firm's overtime rules and days off (from "Firma")."""
    if request.method == "GET":
        return _rules_page(request)
    form = OvertimeRulesForm(request.POST, instance=selectors.firm_rules())
    message = _("The overtime rules have been saved.")
    return _rules_box(request, form, services.rules_update, message, "rules_form")


@require_POST
@perms.role_required(perms.WORKTIME_MANAGE)
def reminder_settings(request):
    """The firm's reminders: "Lever uke" on Monday, a day without hours at 16:00."""
    form = ReminderSettingsForm(request.POST, instance=selectors.firm_rules())
    message = _("The reminders have been saved.")
    return _rules_box(request, form, services.rules_update, message, "reminder_form")


@require_POST
@perms.role_required(perms.WORKTIME_MANAGE)
def day_off_create(request):
    form = DayOffForm(request.POST)
    message = _("The day off has been added.")
    return _rules_box(request, form, services.day_off_create, message, "day_form")


@require_POST
@perms.role_required(perms.WORKTIME_MANAGE)
def day_off_delete(request, pk):
    day = get_object_or_404(DayOff.objects.all(), pk=pk)
    services.day_off_delete(day_off=day, by=request.user)
    return after_write(request, reverse("worktime:rules"), _("The day off has been removed."))


@require_POST
@perms.role_required(perms.WORKTIME_MANAGE)
def absence_type_create(request):
    form = AbsenceTypeForm(request.POST)
    message = _("The absence type has been added.")
    return _rules_box(request, form, services.absence_type_create, message, "type_form")


@require_http_methods(["GET", "POST"])
@perms.role_required(perms.WORKTIME_MANAGE)
def absence_type_update(request, pk):
    """Rename a firm's own absence type, change whether it is paid, deactivate it."""
    absence_type = get_object_or_404(AbsenceType.objects.all(), pk=pk)
    form = AbsenceTypeForm(request.POST or None, instance=absence_type)
    if request.method == "POST" and form.is_valid():
        saved = save(
            form, services.absence_type_update, absence_type=absence_type, by=request.user,
            **form.cleaned_data,
        )  # fmt: skip
        if saved is not None:
            message = _("The absence type has been saved.")
            return after_write(request, reverse("worktime:rules"), message)
    context = {"form": form, "absence_type": absence_type, "in_use": absence_type.absences.exists()}
    return page(request, "worktime/absence_type.html", None, context, status=form_status(form))


@require_POST
@perms.role_required(perms.WORKTIME_MANAGE)
def absence_type_delete(request, pk):
    absence_type = get_object_or_404(AbsenceType.objects.all(), pk=pk)
    try:
        services.absence_type_delete(absence_type=absence_type, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return after_write(request, reverse("worktime:rules"))
    return after_write(request, reverse("worktime:rules"), _("The absence type has been deleted."))


@require_GET
@perms.role_required(perms.HOURS_LOG)
def week(request):
    """ "Mine timer"'s normal hours, overtime and timebank for a week and the year so
    far; a manager may ask for an employee's (?user=). The week page loads it."""
    subject = request.user
    if request.GET.get("user") and request.user.has_perm(perms.WORKTIME_VIEW_ALL):
        subject = selectors.get_employee(id_from(request.GET["user"]))
    current = Week.parse(request.GET.get("week"), default=timezone.localdate())
    (balance,) = selectors.balances([subject], current)
    context = {
        "balance": balance,
        "week": current,
        "own": subject == request.user,
        "hand_in": selectors.hand_in_of(subject, current),
        "begun": current.monday <= timezone.localdate(),
    }
    return page(request, "worktime/week.html", "summary", context)


@require_GET
@perms.role_required(perms.WORKTIME_VIEW_ALL)
def balances(request):
    """Everyone's normal hours, overtime and timebank: this week and the year so far."""
    current = Week.parse(request.GET.get("week"), default=timezone.localdate())
    context = {"week": current, "balances": selectors.balances(active_users(), current)}
    return page(request, "worktime/balances.html", None, context)


# Absence ("Fravær") ----------------------------------------------------------------


def _absence_page(request, form=None, status=None):
    today = timezone.localdate()
    user = request.user
    context = {
        "form": form or AbsenceForm(company=user.company),
        "absences": selectors.absences_of(user),
        "holiday": selectors.holiday_balance(user, today.year),
        "self_certified": selectors.self_certified_in_year(user, today),
    }
    return page(
        request,
        "worktime/absences.html",
        None,
        context,
        status=status or form_status(context["form"]),
    )


@require_http_methods(["GET", "POST"])
@perms.role_required(perms.ABSENCE_REQUEST)
def absences(request):
    """ "Fravær": one's own absence and balances, and a new request."""
    if request.method == "GET":
        return _absence_page(request)
    form = AbsenceForm(request.POST, company=request.user.company)
    if form.is_valid():
        values = {"user": request.user, "by": request.user, **form.cleaned_data}
        if save(form, services.absence_request, **values) is not None:
            message = _("Your request has been sent for approval.")
            return after_write(request, reverse("worktime:absences"), message)
    return _absence_page(request, form)


@require_POST
@perms.role_required(perms.ABSENCE_REQUEST)
def absence_withdraw(request, pk):
    absence = selectors.get_own_absence(request, pk)
    try:
        services.absence_withdraw(absence=absence, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return after_write(request, reverse("worktime:absences"))
    return after_write(request, reverse("worktime:absences"), _("The request is withdrawn."))


@require_GET
@perms.role_required(perms.ABSENCE_APPROVE)
def absence_requests(request):
    """The firm's requests waiting for a decision."""
    return _absence_requests(request)


def _absence_requests(request, *, refused=None, form=None, status=200):
    """The list; the decision ``form`` refused for the absence ``refused`` is shown on
    that request, its messages next to its comment."""
    requests = list(selectors.requested_absences())
    for absence in requests:
        absence.decision = form if absence.pk == refused else None
    context = {"requests": requests}
    return render(request, "worktime/absence_requests.html", context, status=status)


@require_POST
@perms.role_required(perms.ABSENCE_APPROVE)
def absence_decide(request, pk):
    absence = selectors.get_absence_for_manager(pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.absence_decide(
                absence=absence,
                by=request.user,
                approve=approve,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            form_errors(form, error)
    if "decision" not in form.cleaned_data:
        # Neither button: not a decision anybody made in the page.
        return HttpResponseBadRequest(_("Choose to approve or to reject."))
    if form.errors:
        return _absence_requests(request, refused=absence.pk, form=form, status=422)
    if approve:
        message = _("The absence of %(name)s is approved.") % {"name": absence.user}
    else:
        message = _("The absence of %(name)s is rejected.") % {"name": absence.user}
    return after_write(request, reverse("worktime:absence_requests"), message)


@require_GET
@perms.role_required(perms.ABSENCE_APPROVE)
def absence_calendar(request):
    """ "Fraværskalender": who is away which day of a month."""
    first = _month(request.GET.get("month"), timezone.localdate())
    last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    absences = list(selectors.month_absences(first, last))
    rows = {}
    for absence in absences:
        rows.setdefault(absence.user, []).append(absence)
    days = [first + datetime.timedelta(days=n) for n in range(last.day)]
    context = {
        "first": first,
        "previous": (first - datetime.timedelta(days=1)).replace(day=1),
        "next": last + datetime.timedelta(days=1),
        "days": days,
        "off": calendar.days_off(first, last),
        "absences": absences,
        "rows": [(user, _month_cells(days, found)) for user, found in rows.items()],
    }
    return page(request, "worktime/absence_calendar.html", None, context)


def _month(value, default):
    """The first of ``?month=2026-12``; a malformed or unknown month is this one."""
    try:
        first = datetime.datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return default.replace(day=1)
    return first if FIRST_DATE <= first <= LAST_DATE else default.replace(day=1)


def _month_cells(days, absences):
    """For each day of the month, the absence that covers it (or None)."""
    return [next((a for a in absences if a.start <= day <= a.end), None) for day in days]


@require_POST
@perms.role_required(perms.WORKTIME_MANAGE)
def holiday_allowance(request, pk):
    message = _("The holiday days of %(name)s have been saved.")
    write = services.holiday_allowance_set
    return _employee_box(request, pk, HolidayAllowanceForm, write, message, "allowance_form")


# "Lever uke" -----------------------------------------------------------------------


def _week_url(week):
    return f"{reverse('timesheets:week')}?week={week}"


def _hand_in_page(request, form):
    context = {"form": form, "week": None}
    if form.is_valid():
        week = form.cleaned_data["week"]
        (balance,) = selectors.balances([request.user], week)
        hand_in = selectors.hand_in_of(request.user, week)
        context.update(week=week, balance=balance, hand_in=hand_in, back=_week_url(week))
    return page(request, "worktime/hand_in.html", None, context, status=form_status(form))


@require_http_methods(["GET", "POST"])
@perms.role_required(perms.WEEK_HAND_IN)
def hand_in(request):
    """ "Lever uke": the week's totals to confirm (GET), then handed in (POST)."""
    if request.method == "GET":
        week = request.GET.get("week") or str(Week.of(timezone.localdate()))
        return _hand_in_page(request, HandInForm({"week": week}))
    form = HandInForm(request.POST)
    if form.is_valid():
        week = form.cleaned_data["week"]
        if save(form, services.week_hand_in, user=request.user, by=request.user, week=week):
            message = _("Week %(number)s is handed in.") % {"number": week.number}
            return after_write(request, _week_url(week), message)
    return _hand_in_page(request, form)


def _hand_ins_page(request, week, form=None):
    context = {
        "week": week,
        "rows": selectors.week_hand_ins(week),
        "form": form,
        "today": timezone.localdate(),
    }
    return page(request, "worktime/hand_ins.html", None, context, status=form_status(form))


@require_GET
@perms.role_required(perms.WEEK_SEND_BACK)
def hand_ins(request):
    """Who has handed in a week and who has not."""
    current = Week.parse(request.GET.get("week"), default=timezone.localdate())
    return _hand_ins_page(request, current)


@require_POST
@perms.role_required(perms.WEEK_SEND_BACK)
def send_back(request):
    """ "Send tilbake" with a comment: the week is open to its employee again."""
    form = SendBackForm(request.POST)
    if not form.is_valid():
        week = form.cleaned_data.get("week") or Week.of(timezone.localdate())
        return _hand_ins_page(request, week, form)
    week, comment = form.cleaned_data["week"], form.cleaned_data["comment"]
    hand_in = selectors.get_hand_in_for_manager(form.cleaned_data["user"], week)
    if save(form, services.week_send_back, hand_in=hand_in, by=request.user, comment=comment):
        message = _("Week %(number)s of %(name)s is sent back.") % {
            "number": week.number,
            "name": hand_in.user,
        }
        url = f"{reverse('worktime:hand_ins')}?week={week}"
        return after_write(request, url, message)
    return _hand_ins_page(request, week, form)


# "Lønnsarter" and "Lønnsgrunnlag" -------------------------------------------------


def _wage_types_form(data, absence_types):
    instance = payroll.firm_wage_types()
    return WageTypesForm(data, instance=instance, absence_types=absence_types)


@require_POST
@perms.role_required(perms.PAYROLL)
def wage_types(request):
    """The rules page's box of wage type codes ("Lønnsarter")."""
    form = _wage_types_form(request.POST, selectors.absence_types())
    message = _("The wage types have been saved.")
    return _rules_box(request, form, services.wage_types_update, message, "wage_form")


def _payroll_page(request, form):
    context = {"form": form, "basis": None}
    if form.is_valid():
        start, end = form.period
        shown = PayrollPeriodForm({"date_from": start, "date_to": end}, today=start)
        shown.is_valid()
        context.update(
            form=shown,
            basis=payroll.payroll_basis(start, end),
            query=urlencode({"date_from": start.isoformat(), "date_to": end.isoformat()}),
            previous=f"{start.replace(day=1) - datetime.timedelta(days=1):%Y-%m}",
            next=f"{(start.replace(day=1) + datetime.timedelta(days=32)):%Y-%m}",
        )
    return page(request, "worktime/payroll.html", None, context, status=form_status(form))


@require_GET
@perms.role_required(perms.PAYROLL)
@replica_reads
def payroll_basis(request):
    """ "Lønnsgrunnlag": per employee, the period's lines for the payroll system."""
    return _payroll_page(request, PayrollPeriodForm(request.GET, today=timezone.localdate()))


@require_GET
@perms.role_required(perms.PAYROLL)
@replica_reads
def payroll_download(request, fmt):
    form = PayrollPeriodForm(request.GET, today=timezone.localdate())
    if not form.is_valid():
        return _payroll_page(request, form)
    start, end = form.period
    detail = {"format": fmt, "payroll": True, "date_from": f"{start}", "date_to": f"{end}"}
    security_log.record(security_log.Kind.EXPORTED, request=request, detail=detail)
    return exports.FORMATS[fmt](payroll.payroll_basis(start, end))

"""What working time adds to other apps' pages (core.panels)."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts import permissions as perms

from . import selectors


def user_working_time(request, employee):
    """The employee's page (accounts): their working time now, for the Administrator."""
    if not request.user.has_perm(perms.WORKTIME_MANAGE):
        return ""
    current = selectors.schedule_on(selectors.schedules_of(employee), timezone.localdate())
    context = {"employee": employee, "current": current}
    return render_to_string("worktime/_user_panel.html", context, request=request)


def firm_overtime_rules(request, company):
    """ "Firma" (accounts): the overtime rules, for the Administrator."""
    if not request.user.has_perm(perms.WORKTIME_MANAGE):
        return ""
    context = {"rules": selectors.firm_rules()}
    return render_to_string("worktime/_firm_panel.html", context, request=request)


def week_summary(request, subject, *, week):
    """ "Mine timer" (timesheets): a place the week's normal hours, overtime and
    timebank load into, so the week itself stays as quick as it was."""
    url = f"{reverse('worktime:week')}?week={week}"
    if subject != request.user:
        if not request.user.has_perm(perms.WORKTIME_VIEW_ALL):
            return ""
        url += f"&user={subject.pk}"
    return render_to_string("worktime/_week_slot.html", {"url": url}, request=request)


def day_absence(request, subject, *, day, week):
    """ "Mine timer" (timesheets): in each day, the absence of that day with its hours,
    and whether it waits for approval. The week's absence is read once for all its days."""
    if subject != request.user and not request.user.has_perm(perms.WORKTIME_VIEW_ALL):
        return ""
    found = request.__dict__.setdefault("_week_absences", {})
    key = (subject.pk, week.monday)
    if key not in found:
        found[key] = selectors.week_absences(subject, week)
    shown = found[key].get(day)
    if not shown:
        return ""
    return render_to_string("worktime/_day_absence.html", {"shown": shown}, request=request)

"""The rows of "Timeoversikt"'s entries, written by Python.

Fifty rows of about forty template variables each took 9 ms to render, more than any
query of the page: the template engine pays some microseconds for every variable and
tag, and so does ``format_html`` for every argument. Here a row is one f-string of
escaped parts (core.markup), with the words, the permissions and the entries' URL
found once for all rows, and each date and number formatted once however many rows
show it. The markup is the one the template wrote, tested as the page is
(tests/test_timesheets_views.py): the controls of each state for each role, and every
name escaped.
"""

from urllib.parse import quote

from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from accounts import permissions as perms
from core.markup import Rows, escape, short_date
from core.templatetags.core import hours

from . import services

# The description as the row shows it: cut after this many characters, with "…".
DESCRIPTION_SHOWN = 80


class OverviewRows(Rows):
    """``{{ rows }}``: the <tr> of each of ``entries`` (selectors.EntryRow) as ``user``
    sees it, each link back to ``next_url``."""

    def __init__(self, entries, *, user, next_url):
        super().__init__(entries)
        self.user = user
        self.may_approve = user.has_perm(perms.HOURS_APPROVE)
        self.may_change = user.has_perm(perms.HOURS_CHANGE_APPROVED)
        self.entries_url = escape(reverse("timesheets:week"))
        self.next_url = escape(quote(next_url, safe="/"))  # as the urlencode filter quotes
        words = {
            "date": _("Date"),
            "employee": _("Employee"),
            "customer": _("Customer"),
            "project": _("Project"),
            "hours": _("Hours"),
            "description": _("Description"),
            "status": _("Status"),
            "approved": _("Approved"),
            "not_approved": _("Not approved"),
            "invoiced": _("Invoiced"),
            "by_themselves": _("approved by themselves"),
            "own": _("Your own: someone else approves it"),
            "select": _("Select"),
            "approve": _("Approve"),
            "show": _("Show"),
            "edit": _("Edit"),
            "reopen": _("Reopen"),
        }
        self.words = {key: escape(word) for key, word in words.items()}

    def row(self, entry):
        w, pk = self.words, entry.pk
        day, name = self.once(short_date, entry.date), escape(entry.user_name)
        # Open, and the user may approve it (not one's own, unless an Administrator).
        approvable = not entry.is_approved and services.may_approve(self.user, entry)
        which = f'<span class="visually-hidden"> {day} {name}</span>'
        select = ""
        if approvable:
            select = (
                f'<input type="checkbox" name="entries" value="{pk}" id="select-{pk}"'
                f' aria-label="{w["select"]} {day} {name}">'
            )
        description = entry.description
        if len(description) > DESCRIPTION_SHOWN:  # shorter ones |truncatechars keeps
            description = Truncator(description).chars(DESCRIPTION_SHOWN)
        return (
            f'<tr id="row-{pk}">'
            f"<td>{select}</td>"
            f'<td data-label="{w["date"]}">{day}</td>'
            f'<td data-label="{w["employee"]}">{name}</td>'
            f'<td data-label="{w["customer"]}">{escape(entry.customer)}</td>'
            f'<td data-label="{w["project"]}">{escape(entry.project)}</td>'
            f'<td class="num" data-label="{w["hours"]}">{self.once(hours, entry.hours)}</td>'
            f'<td data-label="{w["description"]}">{escape(description)}</td>'
            f'<td data-label="{w["status"]}">{self.status(entry, approvable)}</td>'
            f'<td class="row-actions">{self.actions(entry, approvable, which)}</td>'
            "</tr>\n"
        )

    def status(self, entry, approvable):
        w = self.words
        if not entry.is_approved:
            own = ""
            if self.may_approve and not approvable and entry.user_id == self.user.pk:
                own = f' <small class="muted">{w["own"]}</small>'
            return f'<span class="badge warn">{w["not_approved"]}</span>{own}'
        by = w["by_themselves"] if entry.is_self_approved else escape(entry.approved_by_name or "")
        on = self.once(short_date, timezone.localtime(entry.approved_at).date())
        invoiced = ""
        if entry.is_invoiced:
            invoiced = f' <span class="badge invoiced">{w["invoiced"]}</span>'
        return (
            f'<span class="badge ok">{w["approved"]}</span>'
            f' <small class="muted">{by} {on}</small>{invoiced}'
        )

    def actions(self, entry, approvable, which):
        """The row's buttons; ``which`` (the day and the name, read by a screen reader
        only) says which row each is for."""
        w, pk, parts = self.words, entry.pk, []
        if approvable:
            parts.append(
                f'<button type="submit" name="entry" value="{pk}" class="button small">'
                f"{w['approve']}{which}</button>"
            )
        edit = f"{self.entries_url}{pk}/edit/?next={self.next_url}"
        if entry.is_invoiced:
            parts.append(f'<a class="button small" href="{edit}">{w["show"]}{which}</a>')
        elif self.may_change:
            parts.append(f'<a class="button small" href="{edit}">{w["edit"]}{which}</a>')
            if entry.is_approved:
                parts.append(
                    f'<button type="submit" formaction="{self.entries_url}{pk}/reopen/"'
                    f' class="button small">{w["reopen"]}{which}</button>'
                )
        return " ".join(parts)

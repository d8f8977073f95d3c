"""The rows of the project list ("Prosjekter") and the badges of a project, written by
Python as the rows of "Timeoversikt" are (timesheets/rows.py, which says why): 50
rows with an included template each for their badges took 7 ms as templates. The
markup is the one the templates wrote, tested with the list and the card
(tests/test_projects_views.py)."""

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core.markup import Rows, escape, short_date
from core.templatetags.core import hours

from .forms import customer_label


def badges(project, *, show_budget, computed_only=False):
    """The project's badges, on one line so that a cell without any stays ``:empty``:
    its status (unless ``computed_only``), "Bak skjema", and "Over budsjett" for whoever
    may see hours (``show_budget``; it needs ``logged_hours``, see
    selectors.with_logged_hours)."""
    shown = ""
    if not computed_only:
        if project.is_done:
            shown += f'<span class="badge ok">{escape(_("Finished"))}</span> '
        else:
            shown += f'<span class="badge">{escape(_("In progress"))}</span> '
    if project.is_behind_schedule:
        shown += f'<span class="badge warn">{escape(_("Behind schedule"))}</span> '
    if show_budget and project.is_over_budget:
        shown += f'<span class="badge danger">{escape(_("Over budget"))}</span>'
    return SafeString(shown)


class ProjectRows(Rows):
    """``{{ rows }}``: the <tr> of each of ``projects`` (selectors.project_list), each
    name a link to its card under ``list_url``; their hours for whoever may see them
    (``show_budget``)."""

    def __init__(self, projects, *, list_url, show_budget):
        super().__init__(projects)
        self.show_budget = show_budget
        self.list_url = escape(list_url)
        self.labels = {
            "number": escape(_("No.")),
            "name": escape(_("Project name")),
            "customer": escape(_("Customer")),
            "address": escape(_("Site address")),
            "start": escape(_("Start date")),
            "end": escape(_("End date")),
            "hours": escape(_("Hours")),
            "status": escape(_("Status")),
        }

    def row(self, project):
        label = self.labels
        customer = escape(customer_label(project.customer)) if project.customer else "–"
        shown_hours = ""
        if self.show_budget:
            logged = self.once(hours, project.logged_hours)
            if project.estimated_hours is not None:
                logged += f" / {self.once(hours, project.estimated_hours)}"
            shown_hours = f'<td class="num hours" data-label="{label["hours"]}">{logged}</td>'
        badges_shown = badges(project, show_budget=self.show_budget, computed_only=True)
        return (
            "<tr>"
            f'<td class="num" data-label="{label["number"]}">{project.number}</td>'
            f'<td data-label="{label["name"]}">'
            f'<a href="{self.list_url}{project.pk}/">{escape(project.name)}</a></td>'
            f'<td data-label="{label["customer"]}">{customer}</td>'
            f'<td data-label="{label["address"]}">{self.address(project)}</td>'
            f'<td data-label="{label["start"]}">{self.day(project.start_date)}</td>'
            f'<td data-label="{label["end"]}">{self.day(project.end_date)}</td>'
            f"{shown_hours}"
            f'<td data-label="{label["status"]}">{badges_shown}</td>'
            "</tr>\n"
        )

    @staticmethod
    def address(project):
        """ "Storgata 5, 0150 Oslo", what there is of it, or "–"."""
        address, place = project.address, project.postal_place
        if not (address or place):
            return "–"
        shown = escape(address)
        if place:
            shown += f"{', ' if address else ''}{escape(project.postal_code)} {escape(place)}"
        return shown

    def day(self, date):
        return self.once(short_date, date) if date else "–"

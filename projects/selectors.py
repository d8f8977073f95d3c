"""Reads of projects, and the customer selector that depends on project access."""

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from accounts import permissions as perms
from accounts.selectors import active_users
from core import history
from core.models import next_number
from core.money import format_money
from customers.models import Customer
from customers.selectors import search_customers

from .models import (
    EDITABLE_FIELDS,
    PRICE_FIELDS,
    Project,
    ProjectAccess,
    ProjectEvent,
    ProjectHours,
    ProjectMember,
    ProjectMemberEvent,
    ProjectStatus,
)

FIRST_NUMBER = 1001


def accessible_projects(user):
    """The (not deleted) projects ``user`` has access to: all of them for Administrator
    and Moderator; for an employee those open to all employees plus those that chose them."""
    projects = Project.objects.alive()
    if user.has_perm(perms.PROJECTS_VIEW_ALL):
        return projects
    chosen = ProjectMember.objects.filter(user=user).values("project_id")
    return projects.filter(Q(access=ProjectAccess.ALL) | Q(pk__in=chosen))


def pickable_projects(user):
    """Projects ``user`` may log hours on: accessible and not finished."""
    return accessible_projects(user).open()


def pickable_customers(user):
    """Customers ``user`` may pick on a time entry (GUIDE.md section 2).

    Administrator and Moderator: every customer that is not deleted. Employee: every
    active customer, plus the customers of the projects they have access to even when
    those customers are inactive. Never a deleted customer.
    """
    customers = Customer.objects.alive()
    if user.has_perm(perms.CUSTOMERS_PICK_ANY):
        return customers
    of_my_projects = accessible_projects(user).filter(customer__isnull=False).values("customer_id")
    return customers.filter(Q(is_active=True) | Q(pk__in=of_my_projects))


def customer_options(user, q=""):
    """The customers the project form's "Kunde" picker offers for the search ``q``."""
    return search_customers(pickable_customers(user), q).order_by("name", "number")


def with_logged_hours(projects):
    """Annotate ``logged_hours``: the hours logged on each project (deleted entries left
    out), as the database keeps them (ProjectHours): one join, not a sum of the
    project's entries per project shown."""
    return projects.annotate(logged_hours=ProjectHours.of_row())


def search_projects(projects, q):
    """Projects whose name, number or customer's name contains ``q`` (None: all)."""
    q = (q or "").strip()
    if not q:
        return projects
    match = Q(name__icontains=q) | Q(customer__name__icontains=q)
    if q.isdecimal():  # int() reads these; "²" is a digit it cannot read
        match |= Q(number=int(q))
    return projects.filter(match)


def project_list(user, *, status, q=""):
    """One tab of the project list: the accessible projects with ``status`` matching
    ``q``, newest number first, with their customer and logged hours."""
    projects = search_projects(accessible_projects(user), q).filter(status=status)
    return with_logged_hours(projects.select_related("customer")).order_by("-number")


def project_tab_counts(user, *, q=""):
    """{status: count} of the accessible projects matching ``q``, in one query."""
    projects = search_projects(accessible_projects(user), q)
    return projects.aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in ProjectStatus.values}
    )


def get_project_for_user(request, pk):
    """The project ``pk`` as the request's user may see it, with its logged hours; 404
    for a project of another firm, a deleted one, or one the employee has no access to."""
    projects = with_logged_hours(accessible_projects(request.user).select_related("customer"))
    return get_object_or_404(projects, pk=pk)


def next_project_number():
    """The suggested number of a new project in the current firm: one above the highest
    (deleted projects keep their numbers, so they count too)."""
    return next_number(Project.objects.all(), first=FIRST_NUMBER)


def access_candidates():
    """The users listed with a checkbox under "Valgte ansatte": the firm's active users.
    An inactive member keeps their membership but is not listed."""
    return active_users()


def project_member_ids(project):
    return set(project.memberships.values_list("user_id", flat=True))


def customer_projects(user, customer):
    """The projects of ``customer`` that ``user`` may see (both statuses), for its card,
    with their logged hours (for the "Over budsjett" badge)."""
    return with_logged_hours(accessible_projects(user).filter(customer=customer)).order_by(
        "-status", "-number"
    )  # "in_progress" before "done"


def project_has_hours(project):
    return project.time_entries.alive().exists()


# History ----------------------------------------------------------------------

HISTORY_FIELDS = [*EDITABLE_FIELDS, "access"]
STATE_FIELDS = ["status", "deleted_at"]


def _project_display(project_steps):
    """``display(field, value)`` for these steps; customers by name, looked up once."""
    ids = {(values or {}).get("customer") for s in project_steps for values in (s.before, s.after)}
    customers = {c.pk: c.display_name for c in Customer.objects.filter(pk__in=ids - {None})}

    def display(name, value):
        if value in (None, ""):
            return history.EMPTY
        if name == "customer":
            return customers.get(value, f"#{value}")
        if name == "access":
            return ProjectAccess(value).label if value in ProjectAccess.values else value
        if name in ("start_date", "end_date"):
            return value.strftime("%d.%m.%Y")
        if name == "estimated_hours":
            return f"{value.normalize():f}".replace(".", ",")
        if name == "hourly_rate":
            return format_money(value)
        if name == "billable":
            return _("yes") if value else _("no")
        return str(value)

    return display


def _describe_project(display, names):
    labels = {name: Project._meta.get_field(name).verbose_name for name in names}

    def describe(step):
        if step.label == history.INSERT:
            return history.Change(_("created"))
        if step.label == history.DELETE or (
            step.changed("deleted_at") and step.after["deleted_at"]
        ):
            return history.Change(_("deleted"))
        if step.changed("status"):
            done = step.after["status"] == ProjectStatus.DONE
            return history.Change(_("set to finished") if done else _("reopened"))
        fields = history.diffs(step, labels, display)
        return history.Change(_("changed"), fields) if fields else None

    return describe


def project_history(project, *, prices=False):
    """The project's history, newest first: who, when, what, each changed field and each
    employee chosen or unchosen under "Valgte ansatte" as (label, old, new). Its price
    fields only with ``prices`` (accounts.permissions.PRICES): a price change is no
    step at all for anyone else."""
    fields = [*HISTORY_FIELDS, *PRICE_FIELDS] if prices else HISTORY_FIELDS
    project_steps = history.steps(
        ProjectEvent.objects.filter(pgh_obj_id=project.pk), [*fields, *STATE_FIELDS]
    )
    member_steps = history.steps_by_object(
        ProjectMemberEvent.objects.filter(project_id=project.pk).order_by("pgh_id"), ["user"]
    )
    names = history.user_names(s.value("user") for s in member_steps)
    label = _("Employees with access")

    def describe_member(step):
        name = names.get(step.value("user"), "")
        if step.before is None:
            return [(label, history.EMPTY, name)]
        if step.after is None:
            return [(label, name, history.EMPTY)]
        return []

    return history.entries(
        project_steps,
        _describe_project(_project_display(project_steps), fields),
        children=member_steps,
        describe_child=describe_member,
        child_action=_("changed"),
    )

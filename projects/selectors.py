"""Reads of projects, and the customer selector that depends on project access."""

from django.db.models import Q

from accounts import permissions as perms
from customers.models import Customer

from .models import Project, ProjectAccess, ProjectMember


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
    if user.has_perm(perms.PROJECTS_VIEW_ALL):
        return customers
    of_my_projects = accessible_projects(user).filter(customer__isnull=False).values("customer_id")
    return customers.filter(Q(is_active=True) | Q(pk__in=of_my_projects))

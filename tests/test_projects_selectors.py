from decimal import Decimal

import pytest
from django_scopes import scope

from accounts.permissions import Role
from projects import selectors
from projects.models import ProjectAccess, ProjectStatus

from .factories import (
    CustomerFactory,
    ProjectFactory,
    ProjectMemberFactory,
    TimeEntryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def visible(user, fn=selectors.accessible_projects):
    with scope(company=user.company_id):
        return set(fn(user))


def chosen_project(world, *members, **kwargs):
    project = ProjectFactory(company=world.company, access=ProjectAccess.SELECTED, **kwargs)
    for user in members:
        ProjectMemberFactory(project=project, user=user)
    return project


def test_every_employee_has_access_to_a_project_open_to_all_employees(world):
    assert world.project.access == ProjectAccess.ALL
    assert world.project in visible(world.employee)
    assert world.project in visible(world.employee2)


def test_only_chosen_employees_have_access_to_a_project_with_selected_employees(world):
    project = chosen_project(world, world.employee)

    assert project in visible(world.employee)
    assert project not in visible(world.employee2)


@pytest.mark.parametrize("actor", ["admin", "moderator"])
def test_managers_see_every_project_whatever_its_access(world, actor):
    project = chosen_project(world)

    assert project in visible(world.user(actor))


def test_nobody_sees_another_firms_or_a_deleted_project(world):
    deleted = ProjectFactory(company=world.company, deleted_at="2026-01-01T00:00Z")

    for actor in ["admin", "moderator", "employee"]:
        projects = visible(world.user(actor))
        assert world.other_project not in projects
        assert deleted not in projects


def test_an_inactive_user_keeps_their_access_but_leaves_the_checkbox_list(world):
    project = chosen_project(world, world.employee)
    world.employee.is_active = False
    world.employee.save()

    assert project in visible(world.employee)
    with scope(company=world.company.pk):
        candidates = set(selectors.access_candidates())
        assert selectors.project_member_ids(project) == {world.employee.pk}
    assert world.employee not in candidates
    assert {world.admin, world.moderator, world.employee2} <= candidates


def test_pickable_projects_leave_out_finished_projects(world):
    done = ProjectFactory(company=world.company, status=ProjectStatus.DONE)

    assert done in visible(world.employee)
    assert done not in visible(world.employee, selectors.pickable_projects)
    assert world.project in visible(world.employee, selectors.pickable_projects)


@pytest.fixture
def customers(world):
    """An active, an inactive (of a project only chosen employees see) and a deleted one."""
    active = world.customer
    inactive = CustomerFactory(company=world.company, name="Sovende AS", is_active=False)
    chosen_project(world, world.employee, customer=inactive)
    deleted = CustomerFactory(company=world.company, deleted_at="2026-01-01T00:00Z")
    ProjectFactory(company=world.company, customer=deleted)
    lonely = CustomerFactory(company=world.company, name="Glemt AS", is_active=False)
    return {"active": active, "inactive": inactive, "deleted": deleted, "lonely": lonely}


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("admin", {"active", "inactive", "lonely"}),
        ("moderator", {"active", "inactive", "lonely"}),
        # The inactive customer belongs to a project employee was chosen for.
        ("employee", {"active", "inactive"}),
        # employee2 was not chosen: only the active customer.
        ("employee2", {"active"}),
    ],
)
def test_pickable_customers_follow_the_role_and_project_access(world, customers, actor, expected):
    picked = visible(world.user(actor), selectors.pickable_customers)

    assert picked == {customers[key] for key in expected}


def test_a_deleted_customer_is_never_pickable_even_on_an_accessible_project(world, customers):
    ProjectFactory(company=world.company, customer=customers["deleted"])

    for actor in ["admin", "moderator", "employee", "employee2"]:
        assert customers["deleted"] not in visible(world.user(actor), selectors.pickable_customers)


def test_logged_hours_sum_every_entry_of_the_project(world):
    TimeEntryFactory(user=world.employee2, project=world.project, hours=Decimal("2.25"))
    empty = ProjectFactory(company=world.company)

    with scope(company=world.company.pk):
        projects = {
            p.pk: p for p in selectors.with_logged_hours(selectors.accessible_projects(world.admin))
        }

    assert projects[world.project.pk].logged_hours == Decimal("9.75")
    assert projects[empty.pk].logged_hours == 0


def test_search_finds_projects_by_name_number_or_customer_name(world):
    other = ProjectFactory(company=world.company, name="Garasje", number=4711)

    def search(q):
        with scope(company=world.company.pk):
            return set(selectors.project_list(world.admin, status=ProjectStatus.IN_PROGRESS, q=q))

    assert search("nytt") == {world.project}
    assert search("4711") == {other}
    assert search("nordmann") == {world.project}  # the customer is Kari Nordmann
    assert search("finnes ikke") == set()


def test_tab_counts_count_each_status_of_the_accessible_projects(world):
    ProjectFactory(company=world.company, status=ProjectStatus.DONE)
    chosen_project(world)

    with scope(company=world.company.pk):
        assert selectors.project_tab_counts(world.admin) == {"in_progress": 2, "done": 1}
        assert selectors.project_tab_counts(world.employee) == {"in_progress": 1, "done": 1}


def test_next_project_number_is_one_above_the_highest_even_a_deleted_one(world):
    ProjectFactory(company=world.company, number=5000, deleted_at="2026-01-01T00:00Z")

    with scope(company=world.company.pk):
        assert selectors.next_project_number() == 5001


def test_the_first_project_of_a_firm_gets_the_first_number(world):
    admin = UserFactory(role=Role.ADMIN)

    with scope(company=admin.company_id):
        assert selectors.next_project_number() == selectors.FIRST_NUMBER


def test_customer_options_search_the_pickable_customers(world, customers):
    with scope(company=world.company.pk):
        found = list(selectors.customer_options(world.admin, "sovende"))
        everything = list(selectors.customer_options(world.admin))

    assert found == [customers["inactive"]]
    assert customers["deleted"] not in everything

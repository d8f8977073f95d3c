import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django_scopes import scope

from core.models import StaleVersion
from projects import services
from projects.models import Project, ProjectAccess, ProjectMember, ProjectStatus

from .factories import CustomerFactory, ProjectFactory, ProjectMemberFactory

pytestmark = pytest.mark.django_db


def fields(**overrides):
    data = {
        "name": "Nytt kjøkken",
        "number": 90001,  # above what ProjectFactory's 1000 + n reaches in a run
        "customer": None,
        "address": "Storgata 1",
        "postal_code": "0155",
        "postal_place": "Oslo",
        "start_date": datetime.date(2026, 3, 1),
        "end_date": datetime.date(2026, 4, 1),
        "estimated_hours": Decimal("37.5"),
        "description": "",
    }
    data.update(overrides)
    return data


def create(world, **overrides):
    with scope(company=world.company.pk):
        return services.project_create(company=world.company, by=world.admin, **fields(**overrides))


def test_create_saves_the_project_in_progress_and_open_to_all_employees(world):
    project = create(world, customer=world.customer)

    project.refresh_from_db()
    assert project.company == world.company
    assert project.customer == world.customer
    assert project.status == ProjectStatus.IN_PROGRESS
    assert project.access == ProjectAccess.ALL
    assert project.created_by == world.admin


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "  "}, "name"),
        ({"number": 0}, "number"),
        ({"end_date": datetime.date(2026, 2, 1)}, "end_date"),
        ({"estimated_hours": Decimal("-1")}, "estimated_hours"),
        ({"postal_code": "12a4"}, "postal_code"),
    ],
)
def test_create_refuses_bad_input_field_by_field(world, overrides, field):
    with pytest.raises(ValidationError) as error:
        create(world, **overrides)

    assert field in error.value.message_dict
    assert not Project.objects.filter(name="Nytt kjøkken").exists()


def test_project_numbers_are_unique_per_firm_only(world):
    with pytest.raises(ValidationError) as error:
        create(world, number=world.project.number)
    assert "number" in error.value.message_dict

    # Another firm may use the same number.
    with scope(company=world.other_company.pk):
        services.project_create(
            company=world.other_company,
            by=world.other_admin,
            **fields(number=world.project.number),
        )


def test_a_deleted_or_foreign_customer_cannot_be_chosen(world):
    deleted = CustomerFactory(company=world.company, deleted_at="2026-01-01T00:00Z")
    for customer in [deleted, world.other_customer]:
        with pytest.raises(ValidationError) as error:
            create(world, customer=customer)
        assert "customer" in error.value.message_dict


def test_update_keeps_a_customer_that_was_deleted_after_it_was_chosen(world):
    world.customer.deleted_at = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    world.customer.save()

    with scope(company=world.company.pk):
        project = services.project_update(
            project=world.project,
            by=world.admin,
            version=world.project.version,
            **fields(number=world.project.number, customer=world.customer),
        )

    assert project.customer == world.customer
    assert project.version == world.project.version + 1


def test_update_with_a_stale_version_is_refused_and_changes_nothing(world):
    with scope(company=world.company.pk):
        services.project_update(
            project=world.project, by=world.moderator, version=1, **fields(name="Først")
        )
        with pytest.raises(StaleVersion) as error:
            services.project_update(
                project=world.project, by=world.admin, version=1, **fields(name="Sist")
            )

    assert "Lars Moen" in str(error.value.message)
    world.project.refresh_from_db()
    assert world.project.name == "Først"


def test_a_finished_project_is_read_only_until_reopened(world):
    with scope(company=world.company.pk):
        services.project_set_status(project=world.project, by=world.admin, status="done")
        with pytest.raises(ValidationError):
            services.project_update(
                project=world.project, by=world.admin, version=world.project.version, **fields()
            )
        with pytest.raises(ValidationError):
            services.project_set_access(
                project=world.project, by=world.admin, access="selected", members=[]
            )
        services.project_set_status(project=world.project, by=world.admin, status="in_progress")
        services.project_update(
            project=world.project, by=world.admin, version=world.project.version, **fields()
        )

    world.project.refresh_from_db()
    assert world.project.name == "Nytt kjøkken"


def test_set_access_to_selected_employees_saves_exactly_the_chosen_ones(world):
    with scope(company=world.company.pk):
        services.project_set_access(
            project=world.project, by=world.admin, access="selected", members=[world.employee]
        )
        services.project_set_access(
            project=world.project, by=world.admin, access="selected", members=[world.employee2]
        )

    world.project.refresh_from_db()
    assert world.project.access == ProjectAccess.SELECTED
    assert set(world.project.members.all()) == {world.employee2}


def test_set_access_keeps_the_membership_of_an_inactive_user(world):
    ProjectMemberFactory(project=world.project, user=world.employee)
    world.employee.is_active = False
    world.employee.save()

    with scope(company=world.company.pk):
        # The inactive user is not on the checkbox list, so cannot be ticked either way.
        services.project_set_access(
            project=world.project, by=world.admin, access="selected", members=[world.employee2]
        )

    assert set(world.project.members.all()) == {world.employee, world.employee2}


def test_set_access_refuses_users_of_another_firm(world):
    with scope(company=world.company.pk), pytest.raises(ValidationError):
        services.project_set_access(
            project=world.project, by=world.admin, access="selected", members=[world.other_admin]
        )
    assert not ProjectMember.objects.filter(project=world.project).exists()


def test_a_project_with_hours_cannot_be_deleted(world):
    with scope(company=world.company.pk), pytest.raises(ValidationError) as error:
        services.project_delete(project=world.project, by=world.admin)

    with translation.override("en"):
        assert "Set it to Finished instead" in error.value.messages[0]
    world.project.refresh_from_db()
    assert world.project.deleted_at is None


def test_deleting_a_project_without_hours_is_a_soft_delete(world):
    project = ProjectFactory(company=world.company)

    with scope(company=world.company.pk):
        services.project_delete(project=project, by=world.moderator)

    project.refresh_from_db()
    assert project.deleted_at is not None
    assert project.deleted_by == world.moderator


def test_badges_are_computed_from_dates_and_hours(world):
    yesterday = datetime.date.today() - datetime.timedelta(days=2)
    late = ProjectFactory(company=world.company, end_date=yesterday)
    done = ProjectFactory(company=world.company, end_date=yesterday, status=ProjectStatus.DONE)
    assert late.is_behind_schedule
    assert not done.is_behind_schedule

    world.project.estimated_hours = Decimal("7")
    world.project.logged_hours = Decimal("7.5")
    assert world.project.is_over_budget
    world.project.estimated_hours = None
    assert not world.project.is_over_budget


def test_a_project_created_with_only_a_name_and_number_has_empty_text_fields(world):
    with scope(company=world.company.pk):
        project = services.project_create(
            company=world.company, by=world.admin, name="Bare navn", number=7777
        )
    project.refresh_from_db()
    assert (project.postal_code, project.address, project.description) == ("", "", "")

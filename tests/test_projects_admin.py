"""The Django admin of projects: staff change a project through the services, and
only ever to a customer of the project's own firm."""

import pytest

from projects import services
from projects.models import Project, ProjectStatus

from .admin_forms import change_form_data
from .factories import CustomerFactory, UserFactory


@pytest.fixture
def staff(db):
    return UserFactory(company=None, is_staff=True, is_superuser=True, name="Plattform")


def _change_url(project):
    return f"/admin/projects/project/{project.pk}/change/"


def test_staff_cannot_link_a_project_to_another_firms_customer(world, staff, client_for):
    client = client_for(staff)
    url = _change_url(world.project)
    response = client.post(url, change_form_data(client, url, customer=world.other_customer.pk))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "et annet firma" in str(errors["customer"])
    assert Project.objects.get(pk=world.project.pk).customer == world.customer


def test_staff_link_a_project_to_a_customer_of_its_firm_through_the_service(
    world, staff, client_for
):
    other = CustomerFactory(company=world.company, name="Ny Kunde")
    client = client_for(staff)
    url = _change_url(world.project)
    response = client.post(url, change_form_data(client, url, customer=other.pk))
    assert response.status_code == 302
    project = Project.objects.get(pk=world.project.pk)
    assert project.customer == other
    assert (project.version, project.updated_by) == (world.project.version + 1, staff)


def test_staff_cannot_pick_a_deleted_customer_or_a_bad_postal_code(world, staff, client_for):
    gone = CustomerFactory(company=world.company, deleted_at="2026-01-01T00:00Z")
    client = client_for(staff)
    url = _change_url(world.project)
    data = change_form_data(client, url, customer=gone.pk, postal_code="²³⁴⁵")
    response = client.post(url, data)
    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"customer", "postal_code"}


def test_staff_cannot_change_a_finished_project(world, staff, client_for):
    services.project_set_status(project=world.project, by=world.admin, status=ProjectStatus.DONE)
    client = client_for(staff)
    url = _change_url(world.project)
    response = client.post(url, change_form_data(client, url, name="Endret"))
    assert response.status_code == 200
    assert "Gjenåpne det først" in str(response.context["adminform"].form.non_field_errors())
    assert Project.objects.get(pk=world.project.pk).name == "Nytt bad"


def test_staff_edit_of_a_project_saved_since_it_was_opened_is_refused(world, staff, client_for):
    client = client_for(staff)
    url = _change_url(world.project)
    data = change_form_data(client, url, name="Fra admin")
    Project.objects.filter(pk=world.project.pk).update(version=world.project.version + 1)
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    assert Project.objects.get(pk=world.project.pk).name == "Nytt bad"


def test_staff_see_each_projects_logged_hours_in_the_list_and_on_the_project(
    world, staff, client_for
):
    client = client_for(staff)

    listed = client.get("/admin/projects/project/")
    shown = client.get(_change_url(world.project))

    assert listed.status_code == shown.status_code == 200
    row = next(r for r in listed.context["cl"].result_list if r.pk == world.project.pk)
    assert row.logged_hours == world.entry.hours
    assert "Førte timer" in listed.text and "Førte timer" in shown.text
    assert '<div class="readonly">7.50</div>' in shown.text

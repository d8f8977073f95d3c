"""Which customers and projects each role may pick on a time entry (GUIDE section 2),
in the form, in the searchable pickers, and against crafted POSTs."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from projects.models import ProjectAccess, ProjectStatus
from timesheets.forms import TimeEntryForm
from timesheets.models import TimeEntry

from .factories import CustomerFactory, ProjectFactory, ProjectMemberFactory, UserFactory


@pytest.fixture
def cast(world):
    """Customers and projects in every state that matters for the pickers."""
    c = world.company
    inactive = CustomerFactory(company=c, name="Inaktiv Ingen", is_active=False)
    inactive_on_open_project = CustomerFactory(company=c, name="Inaktiv Prosjekt", is_active=False)
    inactive_on_my_project = CustomerFactory(company=c, name="Inaktiv Valgt", is_active=False)
    inactive_on_closed_project = CustomerFactory(company=c, name="Inaktiv Lukket", is_active=False)
    deleted = CustomerFactory(company=c, name="Slettet Kunde", deleted_at=timezone.now())
    open_project = ProjectFactory(company=c, name="Åpent", customer=inactive_on_open_project)
    my_project = ProjectFactory(
        company=c, name="Mitt", access=ProjectAccess.SELECTED, customer=inactive_on_my_project
    )
    ProjectMemberFactory(project=my_project, user=world.employee)
    closed_project = ProjectFactory(
        company=c, name="Lukket", access=ProjectAccess.SELECTED, customer=inactive_on_closed_project
    )
    ProjectMemberFactory(project=closed_project, user=world.employee2)
    finished = ProjectFactory(company=c, name="Ferdig", status=ProjectStatus.DONE)
    deleted_project = ProjectFactory(company=c, name="Borte", deleted_at=timezone.now())
    return locals()


def choices(user, name):
    with scope(company=user.company_id):
        return set(TimeEntryForm(user=user).fields[name].queryset)


@pytest.mark.parametrize("role", ["admin", "moderator"])
def test_managers_may_pick_every_customer_that_is_not_deleted(world, cast, role):
    assert choices(getattr(world, role), "customer") == {
        world.customer,
        cast["inactive"],
        cast["inactive_on_open_project"],
        cast["inactive_on_my_project"],
        cast["inactive_on_closed_project"],
    }


@pytest.mark.parametrize("role", ["admin", "moderator"])
def test_managers_may_pick_every_open_project(world, cast, role):
    assert choices(getattr(world, role), "project") == {
        world.project,
        cast["open_project"],
        cast["my_project"],
        cast["closed_project"],
    }


def test_an_employee_may_pick_active_customers_and_those_of_their_projects(world, cast):
    assert choices(world.employee, "customer") == {
        world.customer,
        cast["inactive_on_open_project"],
        cast["inactive_on_my_project"],
    }
    assert choices(world.employee2, "customer") == {
        world.customer,
        cast["inactive_on_open_project"],
        cast["inactive_on_closed_project"],
    }


def test_an_employee_may_pick_the_open_projects_they_have_access_to(world, cast):
    assert choices(world.employee, "project") == {
        world.project,
        cast["open_project"],
        cast["my_project"],
    }


def option_texts(client, url_name, q=""):
    response = client.get(reverse(f"timesheets:{url_name}"), {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def test_the_customer_search_offers_only_pickable_customers(world, cast, client_for):
    html = option_texts(client_for(world.employee), "customer_options", "inaktiv")
    assert "Inaktiv Prosjekt" in html and "Inaktiv Valgt" in html
    assert "Inaktiv Ingen" not in html and "Inaktiv Lukket" not in html
    assert "Slettet" not in option_texts(client_for(world.employee), "customer_options", "slettet")
    admin_html = option_texts(client_for(world.admin), "customer_options", "inaktiv")
    assert "Inaktiv Ingen" in admin_html and "Inaktiv Lukket" in admin_html
    assert "Fremmed" not in option_texts(client_for(world.admin), "customer_options", "fremmed")


def test_the_project_search_offers_only_pickable_projects(world, cast, client_for):
    html = option_texts(client_for(world.employee), "project_options")
    assert "Mitt" in html and "Åpent" in html and "Nytt bad" in html
    assert "Lukket" not in html and "Ferdig" not in html and "Borte" not in html
    admin_html = option_texts(client_for(world.admin), "project_options")
    assert "Lukket" in admin_html and "Ferdig" not in admin_html


def test_the_overview_search_finds_deleted_customers_for_managers_only(world, cast, client_for):
    url = reverse("timesheets:customer_options")
    assert (
        "Slettet Kunde"
        in client_for(world.admin).get(url, {"q": "slettet", "all": 1}).content.decode()
    )
    assert (
        "Slettet Kunde"
        not in client_for(world.employee).get(url, {"q": "slettet", "all": 1}).content.decode()
    )


def test_searched_options_keep_the_pickers_empty_choice(world, client_for):
    client = client_for(world.employee)
    assert "Ingen kunde" in option_texts(client, "customer_options", "kari")
    assert "Uten prosjekt" in option_texts(client, "project_options", "bad")
    url = reverse("timesheets:project_options")
    assert "Alle" in client_for(world.admin).get(url, {"all": 1}).content.decode()


def test_pickers_render_at_most_fifty_options(world, client_for):
    CustomerFactory.create_batch(120, company=world.company)
    html = option_texts(client_for(world.admin), "customer_options")
    assert html.count("<option") <= 51  # 50 customers and the empty choice
    form = client_for(world.admin).get(reverse("timesheets:entry_create")).content.decode()
    select = form.split('id="id_customer"')[1].split("</select>")[0]
    assert select.count("<option") <= 51


FORBIDDEN = [
    ("customer", lambda w, c: w.other_customer),
    ("customer", lambda w, c: c["inactive"]),
    ("customer", lambda w, c: c["inactive_on_closed_project"]),
    ("customer", lambda w, c: c["deleted"]),
    ("project", lambda w, c: w.other_project),
    ("project", lambda w, c: c["closed_project"]),
    ("project", lambda w, c: c["finished"]),
    ("project", lambda w, c: c["deleted_project"]),
]


@pytest.mark.parametrize(("field", "pick"), FORBIDDEN)
def test_a_crafted_post_with_a_forbidden_choice_is_refused_and_nothing_saved(
    world, cast, client_for, field, pick
):
    before = TimeEntry.objects.count()
    response = client_for(world.employee).post(
        reverse("timesheets:entry_create"),
        {"date": "2026-11-26", "hours": "7,5", field: pick(world, cast).pk},
    )
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert TimeEntry.objects.count() == before


@pytest.mark.parametrize("field", ["customer", "project"])
def test_managers_cannot_pick_another_firms_or_deleted_objects_either(
    world, cast, client_for, field
):
    for obj in (
        getattr(world, f"other_{field}"),
        cast["deleted" if field == "customer" else "deleted_project"],
    ):
        response = client_for(world.admin).post(
            reverse("timesheets:entry_create"),
            {"date": "2026-11-26", "hours": "1", field: obj.pk},
        )
        assert response.status_code == 422
        assert field in response.context["form"].errors
    assert not TimeEntry.objects.filter(user=world.admin).exists()


def test_an_inactive_customer_of_my_project_may_be_picked(world, cast, client_for):
    response = client_for(world.employee).post(
        reverse("timesheets:entry_create"),
        {"date": "2026-11-26", "hours": "2", "customer": cast["inactive_on_my_project"].pk},
    )
    assert response.status_code == 302
    assert TimeEntry.objects.filter(customer=cast["inactive_on_my_project"]).exists()


def test_choosing_a_project_fills_in_its_customer_in_the_picker(world, cast, client_for):
    response = client_for(world.employee).get(
        reverse("timesheets:customer_field"), {"project": cast["my_project"].pk}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert f'<option value="{cast["inactive_on_my_project"].pk}" selected>' in html


def test_a_project_without_access_fills_in_nothing(world, cast, client_for):
    response = client_for(world.employee).get(
        reverse("timesheets:customer_field"), {"project": cast["closed_project"].pk}
    )
    assert "selected>Inaktiv Lukket" not in response.content.decode()
    assert "Inaktiv Lukket" not in response.content.decode()


def test_the_overview_filters_show_the_chosen_employee_customer_and_project_escaped(
    world, client_for
):
    """The filters' pickers, written by Python (core.forms.select_html): the chosen
    option selected and nothing else, every name escaped, a project with its customer."""
    customer = CustomerFactory(company=world.company, name='<b>Bad & "Co"</b>')
    project = ProjectFactory(company=world.company, customer=customer, name="<i>Tak</i>")
    html = (
        client_for(world.admin)
        .get(
            reverse("timesheets:overview"),
            {"user": world.employee.pk, "customer": customer.pk, "project": project.pk},
        )
        .content.decode()
    )

    def select(name):
        return html.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]

    assert select("user").count(" selected") == 1
    assert f'<option value="{world.employee.pk}" selected>Per Hansen</option>' in select("user")
    assert select("customer").count(" selected") == 1
    assert (
        f'<option value="{customer.pk}" selected>&lt;b&gt;Bad &amp; &quot;Co&quot;&lt;/b&gt;'
        f" ({customer.number})</option>"
    ) in select("customer")
    assert select("project").count(" selected") == 1
    assert (
        f'<option value="{project.pk}" selected>{project.number} &lt;i&gt;Tak&lt;/i&gt; – '
        "&lt;b&gt;Bad &amp; &quot;Co&quot;&lt;/b&gt;</option>"
    ) in select("project")
    assert "<b>" not in html and "<i>Tak" not in html


def test_the_overview_filters_name_an_employee_without_a_name_by_e_mail(world, client_for):
    """The options are read as rows (core.forms.RowLabels) and named as the objects
    name themselves: an employee by the name, or the e-mail without one; a project
    without a customer by its number and name alone."""
    nameless = UserFactory(company=world.company, name="", email="uten.navn@example.no")
    alone = ProjectFactory(company=world.company, customer=None, name="Eget verksted")
    html = client_for(world.admin).get(reverse("timesheets:overview")).content.decode()

    assert f'<option value="{nameless.pk}">uten.navn@example.no</option>' in html
    assert f'<option value="{world.employee.pk}">Per Hansen</option>' in html
    assert f'<option value="{alone.pk}">{alone.number} Eget verksted</option>' in html
    assert str(nameless) == "uten.navn@example.no"  # the same as the model says

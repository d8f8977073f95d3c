import datetime

import pytest
from django.urls import reverse

from projects.models import Project, ProjectAccess, ProjectStatus

from .factories import CustomerFactory, ProjectFactory, ProjectMemberFactory, TimeEntryFactory

pytestmark = pytest.mark.django_db

LIST = "/projects/"
CREATE = "/projects/new/"
OPTIONS = "/projects/customer-options/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, project):
    return reverse(f"projects:{name}", args=[project.pk])


def form_data(**overrides):
    data = {
        "name": "Nytt kjøkken",
        "number": "90001",  # above what ProjectFactory's 1000 + n reaches in a run
        "customer": "",
        "address": "Storgata 1",
        "postal_code": "0155",
        "postal_place": "Oslo",
        "start_date": "2026-03-01",
        "end_date": "2026-04-01",
        "estimated_hours": "37,5",
        "description": "",
    }
    data.update(overrides)
    return data


# The list


@pytest.mark.parametrize("actor", ["admin", "moderator", "employee"])
def test_list_shows_the_firms_projects_in_progress(world, client_for, actor):
    response = client_for(world.user(actor)).get(LIST)

    assert response.status_code == 200
    assert "Nytt bad" in response.text
    assert "Kari Nordmann" in response.text
    assert world.other_project.name not in response.text


def test_list_has_tabs_with_counts_and_finished_projects_under_their_own(world, client_for):
    ProjectFactory(company=world.company, name="Gammel garasje", status=ProjectStatus.DONE)
    client = client_for(world.admin)

    in_progress = client.get(LIST)
    done = client.get(LIST, {"status": "done"})

    assert "Gammel garasje" not in in_progress.text
    assert 'Under arbeid <span class="count">1</span>' in in_progress.text
    assert 'Ferdig <span class="count">1</span>' in in_progress.text
    assert "Gammel garasje" in done.text
    assert "Nytt bad" not in done.text


def test_employee_sees_only_projects_they_have_access_to(world, client_for):
    ProjectFactory(company=world.company, name="Hemmelig", access=ProjectAccess.SELECTED)
    mine = ProjectFactory(company=world.company, name="Mitt", access=ProjectAccess.SELECTED)
    ProjectMemberFactory(project=mine, user=world.employee)

    employee = client_for(world.employee).get(LIST).text
    admin = client_for(world.admin).get(LIST).text

    assert "Mitt" in employee and "Hemmelig" not in employee
    assert "Mitt" in admin and "Hemmelig" in admin


def test_employee_gets_no_create_button(world, client_for):
    assert CREATE not in client_for(world.employee).get(LIST).text
    assert CREATE in client_for(world.moderator).get(LIST).text


def test_search_finds_by_customer_name_and_keeps_the_query_in_the_tabs(world, client_for):
    ProjectFactory(company=world.company, name="Garasje")

    response = client_for(world.admin).get(LIST, {"q": "nordmann"})

    assert "Nytt bad" in response.text
    assert "Garasje" not in response.text
    assert "?q=nordmann&amp;status=done" in response.text


def test_htmx_list_request_gets_only_the_results(world, client_for):
    response = client_for(world.admin).get(LIST, {"q": "bad"}, **HTMX)

    assert response.status_code == 200
    assert "<html" not in response.text
    assert "Nytt bad" in response.text
    assert 'hx-swap-oob="true"' in response.text  # the search form's hidden tab


def test_list_shows_fifty_projects_a_page(world, client_for):
    ProjectFactory.create_batch(55, company=world.company)
    client = client_for(world.admin)

    first = client.get(LIST)
    second = client.get(LIST, {"page": 2})

    assert len(first.context["page"].object_list) == 50
    assert len(second.context["page"].object_list) == 6
    assert "Side 2 av 2" in second.text


def test_list_shows_badges(world, client_for):
    past = datetime.date.today() - datetime.timedelta(days=3)
    ProjectFactory(company=world.company, name="Sen", end_date=past)
    world.project.estimated_hours = 5  # the world's entry has 7.5 hours
    world.project.save()

    text = client_for(world.admin).get(LIST).text

    assert "Bak skjema" in text
    assert "Over budsjett" in text


def test_a_list_row_shows_the_project_as_typed_escaped_and_hours_only_to_managers(
    world, client_for
):
    """The rows are written by Python (projects/rows.py): names and the address escaped,
    an inactive customer marked, "–" for what a project lacks, and the hours column (and
    "Over budsjett") only for those who see everyone's hours."""
    customer = CustomerFactory(company=world.company, name="<b>Kunde</b>", is_active=False)
    typed = ProjectFactory(
        company=world.company,
        name="<i>Tak</i>",
        customer=customer,
        address="Storgata 5 & 7",
        postal_code="0150",
        postal_place="Oslo",
        start_date=datetime.date(2026, 3, 2),
        estimated_hours=5,
    )
    TimeEntryFactory(user=world.employee, project=typed, hours=8)
    bare = ProjectFactory(company=world.company, name="Bar")

    def row(html, project):
        start = html.index(f'<a href="/projects/{project.pk}/">')
        return html[html.rindex("<tr>", 0, start) : html.index("</tr>", start)]

    html = client_for(world.admin).get(LIST).text
    first = row(html, typed)
    assert "<i>" not in html and "<b>" not in html
    assert f'<a href="/projects/{typed.pk}/">&lt;i&gt;Tak&lt;/i&gt;</a>' in first
    assert "&lt;b&gt;Kunde&lt;/b&gt; (inaktiv)" in first
    assert ">Storgata 5 &amp; 7, 0150 Oslo<" in first and ">02.03.2026<" in first
    assert '<td class="num hours" data-label="Timer">8 / 5</td>' in first
    assert '<span class="badge danger">Over budsjett</span>' in first
    other = row(html, bare)
    assert other.count(">–<") == 4  # customer, address, start and end
    employees = client_for(world.employee).get(LIST).text
    assert "Over budsjett" not in employees and 'class="num hours"' not in employees


def test_list_query_count_does_not_grow_with_projects(world, client_for, django_assert_num_queries):
    client = client_for(world.employee)
    client.get(LIST)  # warm the session
    ProjectFactory.create_batch(1, company=world.company)
    # The fifth is the header's running timer (timesheets' "base.header" panel).
    with django_assert_num_queries(5) as two:
        client.get(LIST)
    ProjectFactory.create_batch(
        18, company=world.company, customer=CustomerFactory(company=world.company)
    )
    with django_assert_num_queries(len(two.captured_queries)):
        response = client.get(LIST)
    assert len(response.context["page"].object_list) == 20


# The card


def test_card_shows_the_project_and_its_customer_to_a_manager(world, client_for):
    world.customer.phone = "+4791234567"
    world.customer.save()

    response = client_for(world.moderator).get(url("detail", world.project))

    assert response.status_code == 200
    assert "Nytt bad" in response.text
    assert "Kari Nordmann" in response.text
    assert "+47 91 23 45 67" in response.text
    assert "Ansattes tilgang" in response.text
    assert url("update", world.project) in response.text


def test_employee_card_is_read_only_without_customer_contact_details(world, client_for):
    world.customer.phone = "+4791234567"
    world.customer.save()

    response = client_for(world.employee).get(url("detail", world.project))

    assert response.status_code == 200
    assert "Kari Nordmann" in response.text
    assert "+47 91 23 45 67" not in response.text
    assert "Ansattes tilgang" not in response.text
    assert url("update", world.project) not in response.text
    assert '<form method="post" action="/projects/' not in response.text


def test_employee_without_access_gets_404_on_the_card(world, client_for):
    hidden = ProjectFactory(company=world.company, access=ProjectAccess.SELECTED)

    assert client_for(world.employee).get(url("detail", hidden)).status_code == 404


def test_card_marks_a_deleted_customer(world, client_for):
    world.customer.deleted_at = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    world.customer.save()

    response = client_for(world.admin).get(url("detail", world.project))

    assert "Kari Nordmann (slettet)" in response.text


@pytest.mark.parametrize("name", ["detail", "update"])
def test_another_firms_project_is_a_404(world, client_for, name):
    assert client_for(world.admin).get(url(name, world.other_project)).status_code == 404


def test_a_deleted_project_is_a_404(world, client_for):
    gone = ProjectFactory(company=world.company, deleted_at="2026-01-01T00:00Z")

    assert client_for(world.admin).get(url("detail", gone)).status_code == 404


# Create and edit


def test_create_form_suggests_the_next_free_number(world, client_for):
    response = client_for(world.admin).get(CREATE)

    assert response.status_code == 200
    assert response.context["form"]["number"].value() == world.project.number + 1


def test_create_form_from_a_customer_card_preselects_the_customer(world, client_for):
    response = client_for(world.admin).get(CREATE, {"customer": world.customer.pk})

    assert f'<option value="{world.customer.pk}" selected>' in response.text


def test_moderator_creates_a_project_for_a_customer(world, client_for):
    response = client_for(world.moderator).post(CREATE, form_data(customer=str(world.customer.pk)))

    project = Project.objects.get(name="Nytt kjøkken")
    assert response.status_code == 302
    assert response["Location"] == url("detail", project)
    assert project.customer == world.customer
    assert str(project.estimated_hours) == "37.50"
    assert project.company == world.company


def test_htmx_create_redirects_the_whole_page(world, client_for):
    response = client_for(world.admin).post(CREATE, form_data(), **HTMX)

    project = Project.objects.get(name="Nytt kjøkken")
    assert response.status_code == 200
    assert response["HX-Redirect"] == url("detail", project)


def test_invalid_create_shows_errors_next_to_the_fields_with_422(world, client_for):
    response = client_for(world.admin).post(
        CREATE, form_data(name="", number=str(world.project.number), end_date="2026-02-01")
    )

    assert response.status_code == 422
    errors = response.context["form"].errors
    assert set(errors) == {"name", "number", "end_date"}
    assert "Sluttdatoen kan ikke være før startdatoen." in response.text
    assert not Project.objects.filter(name="Nytt kjøkken").exists()


def test_invalid_htmx_create_renders_only_the_form(world, client_for):
    response = client_for(world.admin).post(CREATE, form_data(name=""), **HTMX)

    assert response.status_code == 422
    assert "<html" not in response.text
    assert "<form" in response.text


def test_another_firms_customer_cannot_be_chosen(world, client_for):
    response = client_for(world.admin).post(
        CREATE, form_data(customer=str(world.other_customer.pk))
    )

    assert response.status_code == 422
    assert "customer" in response.context["form"].errors


def test_edit_saves_the_project(world, client_for):
    data = form_data(name="Nytt bad og vaskerom", number=str(world.project.number), version="1")

    response = client_for(world.admin).post(url("update", world.project), data)

    assert response.status_code == 302
    world.project.refresh_from_db()
    assert world.project.name == "Nytt bad og vaskerom"
    assert world.project.version == 2


def test_edit_over_someone_elses_save_is_refused_and_keeps_the_input(world, client_for):
    Project.objects.filter(pk=world.project.pk).update(version=2, updated_by=world.moderator)
    data = form_data(name="Min endring", number=str(world.project.number), version="1")

    response = client_for(world.admin).post(url("update", world.project), data)

    assert response.status_code == 409
    assert "Lars Moen" in response.text
    assert 'value="Min endring"' in response.text
    world.project.refresh_from_db()
    assert world.project.name == "Nytt bad"


def test_after_a_conflict_saving_the_kept_input_again_saves_it(world, client_for):
    client = client_for(world.admin)
    Project.objects.filter(pk=world.project.pk).update(
        version=2, updated_by=world.moderator, name="Lars sitt navn"
    )
    data = form_data(name="Min endring", number=str(world.project.number), version="1")
    first = client.post(url("update", world.project), data)
    assert first.status_code == 409
    assert "Prosjektnavn" in first.text  # the field that differs is named
    assert 'name="version" value="2"' in first.text

    again = client.post(url("update", world.project), {**data, "version": "2"})

    assert again.status_code == 302
    world.project.refresh_from_db()
    assert world.project.name == "Min endring"


def test_edit_of_a_finished_project_sends_back_to_the_card(world, client_for):
    Project.objects.filter(pk=world.project.pk).update(status=ProjectStatus.DONE)

    response = client_for(world.admin).get(url("update", world.project))

    assert response.status_code == 302
    assert response["Location"] == url("detail", world.project)


def test_edit_form_keeps_a_deleted_customer_choosable(world, client_for):
    world.customer.deleted_at = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    world.customer.save()
    data = form_data(number=str(world.project.number), customer=str(world.customer.pk), version="1")

    response = client_for(world.admin).post(url("update", world.project), data)

    assert response.status_code == 302


# Status, access, delete


def test_finish_and_reopen(world, client_for):
    client = client_for(world.moderator)

    client.post(url("set_status", world.project), {"status": "done"})
    world.project.refresh_from_db()
    assert world.project.status == ProjectStatus.DONE
    card = client.get(url("detail", world.project)).text
    assert "Gjenåpne prosjekt" in card
    assert url("update", world.project) not in card

    client.post(url("set_status", world.project), {"status": "in_progress"})
    world.project.refresh_from_db()
    assert world.project.status == ProjectStatus.IN_PROGRESS


def test_unknown_status_is_refused_with_a_message(world, client_for):
    response = client_for(world.admin).post(
        url("set_status", world.project), {"status": "bogus"}, follow=True
    )

    assert "Ukjent status." in response.text
    world.project.refresh_from_db()
    assert world.project.status == ProjectStatus.IN_PROGRESS


def test_access_form_lists_every_active_user_by_name(world, client_for):
    world.employee2.is_active = False
    world.employee2.save()

    response = client_for(world.admin).get(url("detail", world.project))

    for name in ["Ingrid Berg", "Lars Moen", "Per Hansen"]:
        assert name in response.text
    assert "Sofie Lie" not in response.text
    assert "Ola Nilsen" not in response.text


def test_save_access_without_javascript(world, client_for):
    response = client_for(world.admin).post(
        url("access", world.project), {"access": "selected", "members": [world.employee.pk]}
    )

    assert response.status_code == 302
    world.project.refresh_from_db()
    assert world.project.access == ProjectAccess.SELECTED
    assert list(world.project.members.all()) == [world.employee]
    card = client_for(world.employee2).get(url("detail", world.project))
    assert card.status_code == 404


def test_save_access_with_htmx_renders_the_section(world, client_for):
    response = client_for(world.admin).post(
        url("access", world.project),
        {"access": "selected", "members": [world.employee.pk]},
        **HTMX,
    )

    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="project-access"' in response.text
    assert "Tilgangen er lagret." in response.text


def test_save_access_with_another_firms_user_is_refused(world, client_for):
    response = client_for(world.admin).post(
        url("access", world.project), {"access": "selected", "members": [world.other_admin.pk]}
    )

    assert response.status_code == 422
    assert not world.project.members.exists()


def test_delete_with_hours_is_refused_with_advice(world, client_for):
    response = client_for(world.admin).post(url("delete", world.project), follow=True)

    assert "Sett det til Ferdig i stedet" in response.text
    world.project.refresh_from_db()
    assert world.project.deleted_at is None


def test_delete_asks_first_without_javascript(world, client_for):
    project = ProjectFactory(company=world.company, name="Feilregistrert")
    card = client_for(world.admin).get(url("detail", project)).text
    assert f'href="{url("delete", project)}"' in card and "data-confirm" not in card

    response = client_for(world.moderator).get(url("delete", project))

    assert response.status_code == 200
    assert f"Slette {project.number} Feilregistrert?" in response.text
    assert f'<form method="post" action="{url("delete", project)}">' in response.text
    project.refresh_from_db()
    assert project.deleted_at is None


def test_delete_page_of_a_project_with_hours_explains_why_it_cannot_go(world, client_for):
    response = client_for(world.admin).get(url("delete", world.project))

    assert response.status_code == 200
    assert "Sett det til Ferdig i stedet" in response.text
    assert 'method="post"' not in response.text.split("<main")[-1].split("</main>")[0]


def test_another_firms_admin_gets_404_on_our_delete_page(world, client_for):
    assert client_for(world.other_admin).get(url("delete", world.project)).status_code == 404


def test_delete_without_hours(world, client_for):
    project = ProjectFactory(company=world.company, name="Feilregistrert")

    response = client_for(world.moderator).post(url("delete", project))

    assert response.status_code == 302
    assert response["Location"] == LIST
    project.refresh_from_db()
    assert project.deleted_at is not None
    assert "Feilregistrert" not in client_for(world.moderator).get(LIST).text


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("update", "get"),
        ("update", "post"),
        ("access", "post"),
        ("set_status", "post"),
        ("delete", "get"),
        ("delete", "post"),
    ],
)
def test_employee_cannot_change_a_project(world, client_for, name, method):
    response = getattr(client_for(world.employee), method)(url(name, world.project))

    assert response.status_code == 403


@pytest.mark.parametrize("name", ["access", "set_status"])
def test_writes_reject_get(world, client_for, name):
    assert client_for(world.admin).get(url(name, world.project)).status_code == 405


def test_delete_rejects_other_methods(world, client_for):
    assert client_for(world.admin).put(url("delete", world.project)).status_code == 405


@pytest.mark.parametrize("name", ["access", "set_status", "delete"])
def test_another_firms_admin_cannot_change_our_project(world, client_for, name):
    response = client_for(world.other_admin).post(url(name, world.project), {"status": "done"})

    assert response.status_code == 404
    world.project.refresh_from_db()
    assert world.project.status == ProjectStatus.IN_PROGRESS


# The customer picker


def test_picker_options_mark_inactive_customers_and_never_show_deleted(world, client_for):
    CustomerFactory(company=world.company, name="Kari Sovende", is_active=False)
    CustomerFactory(company=world.company, name="Kari Borte", deleted_at="2026-01-01T00:00Z")

    response = client_for(world.admin).get(OPTIONS, {"q": "kari"})

    assert response.status_code == 200
    assert "Kari Nordmann</option>" in response.text
    assert "Kari Sovende (inaktiv)" in response.text
    assert "Kari Borte" not in response.text
    assert "Fremmed" not in response.text


def test_picker_renders_at_most_fifty_options(world, client_for):
    CustomerFactory.create_batch(60, company=world.company)
    client = client_for(world.admin)

    form = client.get(CREATE).text
    options = client.get(OPTIONS).text

    assert form.count("<option") <= 52  # 50, the empty choice and at most one chosen
    assert options.count("<option") == 51  # 50 and the empty choice


def test_picker_query_count_does_not_grow_with_customers(
    world, client_for, django_assert_num_queries
):
    client = client_for(world.admin)
    client.get(OPTIONS)
    CustomerFactory.create_batch(1, company=world.company)
    # Session, user, the firm (does it require two-factor sign-in of managers?), options.
    with django_assert_num_queries(4) as two:
        client.get(OPTIONS)
    CustomerFactory.create_batch(18, company=world.company)
    with django_assert_num_queries(len(two.captured_queries)):
        response = client.get(OPTIONS)
    assert response.text.count("<option") == 21


def test_create_form_query_count_does_not_grow_with_customers(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(world.admin)
    CustomerFactory.create_batch(20, company=world.company)
    with django_assert_max_num_queries(6):
        client.get(CREATE)


def test_typed_norwegian_dates_are_accepted(world, client_for):
    response = client_for(world.admin).post(
        CREATE, form_data(start_date="01.03.2026", end_date="1.4.2026")
    )

    assert response.status_code == 302
    project = Project.objects.get(name="Nytt kjøkken")
    assert project.end_date == datetime.date(2026, 4, 1)


# The customer card


def test_customer_card_lists_the_customers_projects_of_both_statuses(world, client_for):
    ProjectFactory(company=world.company, customer=world.customer, name="Ferdig tak", status="done")
    ProjectFactory(
        company=world.company, customer=world.customer, name="Borte", deleted_at="2026-01-01T00:00Z"
    )
    ProjectFactory(company=world.company, name="Annen kundes")

    response = client_for(world.admin).get(reverse("customers:detail", args=[world.customer.pk]))

    assert response.status_code == 200
    assert "Nytt bad" in response.text
    assert "Ferdig tak" in response.text
    assert "Borte" not in response.text
    assert "Annen kundes" not in response.text
    assert f"{CREATE}?customer={world.customer.pk}" in response.text

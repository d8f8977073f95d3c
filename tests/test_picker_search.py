"""Searching the pickers without JavaScript: the search button sends the form with GET
to its own page, which shows the form again with what was typed and the picker's
options narrowed to the matches; never more than 50 options. The options endpoints
(htmx) take the search box's own name, ``<field>_q``."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from timesheets.models import TimeEntry

from .factories import CustomerFactory, ProjectFactory, TimeEntryFactory


@pytest.fixture
def many(world):
    """60 customers and 60 projects: the last of each is beyond a picker's first 50."""
    # Numbers of their own: the search matches numbers too, and a sequence number such
    # as 10601 would make "Bygg 01" a match for "Bygg 60" (and 1201 "Bad 60" for "Bad 01").
    customers = [
        CustomerFactory(company=world.company, name=f"Bygg {i:02d}", number=90000 + i)
        for i in range(1, 61)
    ]
    projects = [
        ProjectFactory(company=world.company, name=f"Bad {i:02d}", number=7000 + i)
        for i in range(1, 61)
    ]
    # Customers are offered by name, projects newest number first.
    return {"customer": customers[-1], "project": projects[0]}


def options(html, field):
    select = html.split(f'id="id_{field}"')[1].split("</select>")[0]
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def value_of(html, name):
    return re.search(rf'name="{name}"[^>]*value="([^"]*)"', html).group(1)


def test_the_hours_form_without_a_search_does_not_offer_the_60th(world, many, client_for):
    html = client_for(world.employee).get(reverse("timesheets:entry_create")).content.decode()
    assert "Bygg 60" not in options(html, "customer")
    assert not any(
        label.startswith(f"{many['project'].number} ") for label in options(html, "project")
    )


@pytest.mark.parametrize(("field", "term"), [("customer", "Bygg 60"), ("project", "Bad 01")])
def test_a_search_on_the_hours_form_offers_the_match_and_keeps_the_input(
    world, many, client_for, field, term
):
    before = TimeEntry.objects.count()
    response = client_for(world.employee).get(
        reverse("timesheets:entry_create"),
        {
            "date": "2026-11-26",
            "hours": "7,5",
            "description": "Flis på bad",
            f"{field}_q": term,
            "next": "/timesheets/?week=2026-W48",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    found = options(html, field)
    assert any(term in label for label in found) and len(found) <= 51
    assert value_of(html, "hours") == "7,5"
    assert value_of(html, "date") == "26.11.2026"
    assert value_of(html, f"{field}_q") == term
    assert value_of(html, "next") == "/timesheets/?week=2026-W48"
    assert "Flis på bad</textarea>" in html
    assert not response.context["form"].errors
    assert TimeEntry.objects.count() == before


def selected(html, field):
    select = html.split(f'id="id_{field}"')[1].split("</select>")[0]
    return re.findall(r'<option value="([^"]*)"[^>]*selected>', select)


def test_a_search_without_javascript_selects_its_first_match(world, many, client_for):
    html = (
        client_for(world.employee)
        .get(
            reverse("timesheets:entry_create"),
            {"date": "26.11.2026", "hours": "7,5", "customer": "", "customer_q": "Bygg 60"},
        )
        .content.decode()
    )
    assert selected(html, "customer") == [str(many["customer"].pk)]


def test_a_search_without_javascript_keeps_a_choice_already_made(world, many, client_for):
    html = (
        client_for(world.employee)
        .get(
            reverse("timesheets:entry_create"),
            {"customer": world.customer.pk, "customer_q": "Bygg 60"},
        )
        .content.decode()
    )
    assert selected(html, "customer") == [str(world.customer.pk)]


def test_a_form_sent_again_keeps_its_empty_choice_whatever_was_searched(world, many, client_for):
    response = client_for(world.employee).post(
        reverse("timesheets:entry_create"),
        {"date": "26.11.2026", "hours": "", "customer": "", "customer_q": "Bygg 60"},
    )
    assert response.status_code == 422
    assert selected(response.content.decode(), "customer") == [""]  # "Uten kunde"


def test_a_search_while_editing_an_entry_keeps_the_typed_values_and_version(
    world, many, client_for
):
    entry = TimeEntryFactory(user=world.employee, description="Gammel", version=3)
    response = client_for(world.employee).get(
        reverse("timesheets:entry_update", args=[entry.pk]),
        {"hours": "2", "description": "Ny", "version": "3", "customer_q": "Bygg 60"},
    )
    html = response.content.decode()
    assert "Bygg 60" in " ".join(options(html, "customer"))
    assert value_of(html, "hours") == "2" and value_of(html, "version") == "3"
    assert "Ny</textarea>" in html
    entry.refresh_from_db()
    assert entry.description == "Gammel"


def test_a_search_on_the_project_form_offers_the_match_and_keeps_the_input(world, many, client_for):
    client = client_for(world.admin)
    plain = client.get(reverse("projects:create")).content.decode()
    assert "Bygg 60" not in options(plain, "customer")
    response = client.get(
        reverse("projects:create"),
        {"name": "Tak", "number": "7001", "estimated_hours": "37,5", "customer_q": "Bygg 60"},
    )
    html = response.content.decode()
    found = options(html, "customer")
    assert "Bygg 60" in found and len(found) <= 51
    assert value_of(html, "name") == "Tak" and value_of(html, "number") == "7001"
    assert value_of(html, "estimated_hours") == "37,5"
    assert value_of(html, "customer_q") == "Bygg 60"


def test_a_search_on_the_project_edit_form_keeps_the_input(world, many, client_for):
    url = reverse("projects:update", args=[world.project.pk])
    response = client_for(world.admin).get(url, {"name": "Nytt navn", "customer_q": "Bygg 60"})
    html = response.content.decode()
    assert "Bygg 60" in options(html, "customer")
    assert value_of(html, "name") == "Nytt navn"


def test_a_search_in_the_overview_filters_offers_the_match_and_keeps_the_filters(
    world, many, client_for
):
    response = client_for(world.admin).get(
        reverse("timesheets:overview"),
        {
            "date_from": "2026-11-01",
            "status": "open",
            "customer_q": "Bygg 60",
            "project_q": "Bad 01",
        },
    )
    html = response.content.decode()
    customers, projects = options(html, "customer"), options(html, "project")
    assert any("Bygg 60" in label for label in customers) and len(customers) <= 51
    assert any("Bad 01" in label for label in projects) and len(projects) <= 51
    assert value_of(html, "date_from") == "01.11.2026"
    assert value_of(html, "customer_q") == "Bygg 60"


def test_a_searched_form_costs_the_queries_of_a_plain_one(
    world, many, client_for, django_assert_num_queries
):
    client = client_for(world.employee)
    url = reverse("timesheets:entry_create")
    client.get(url)
    with CaptureQueriesContext(connection) as plain:
        client.get(url)
    with django_assert_num_queries(len(plain.captured_queries)):
        client.get(url, {"customer_q": "Bygg 60", "project_q": "Bad 01"})


@pytest.mark.parametrize(
    ("url_name", "param", "term", "expected"),
    [
        ("timesheets:customer_options", "customer_q", "Bygg 60", "Bygg 60"),
        ("timesheets:project_options", "project_q", "Bad 01", "Bad 01"),
        ("projects:customer_options", "customer_q", "Bygg 60", "Bygg 60"),
    ],
)
def test_the_options_endpoints_search_the_boxs_own_name(
    world, many, client_for, url_name, param, term, expected
):
    html = client_for(world.admin).get(reverse(url_name), {param: term}).content.decode()
    assert expected in html
    assert html.count("<option") <= 51
    assert "Bygg 01<" not in html and "Bad 60 " not in html


def test_the_search_box_is_named_after_its_field_and_the_button_is_for_no_script(world, client_for):
    html = client_for(world.employee).get(reverse("timesheets:entry_create")).content.decode()
    assert 'name="customer_q"' in html and 'name="project_q"' in html
    assert 'name="q"' not in html
    noscript = re.findall(r"<noscript>(.*?)</noscript>", html, re.S)
    assert len(noscript) == 2
    assert all('formmethod="get"' in n and "formnovalidate" in n for n in noscript)

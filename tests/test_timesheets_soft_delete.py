"""Deleting an entry is a soft delete: the row stays with who deleted it, and every
page, total and export leaves it out."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scope

from projects import selectors as project_selectors
from projects import services as project_services
from projects.models import Project
from timesheets import selectors, services
from timesheets.models import TimeEntry

from .factories import ProjectFactory, TimeEntryFactory
from .test_timesheets_exports import csv_rows

DAY = datetime.date(2026, 3, 5)
PERIOD = {"date_from": "2026-03-01", "date_to": "2026-03-31"}


@pytest.fixture
def deleted(world):
    """Per Hansen logs 3 h on Nytt bad for Kari Nordmann beside the world's 7,5 h, then
    deletes them."""
    world.entry.date = DAY
    world.entry.save()
    entry = TimeEntryFactory(
        user=world.employee,
        date=DAY,
        hours=Decimal("3"),
        project=world.project,
        customer=world.customer,
        description="Ført ved en feil",
    )
    services.entry_delete(entry=entry, by=world.employee)
    return entry


def test_a_deleted_entry_keeps_its_row_with_who_deleted_it(world, deleted):
    entry = TimeEntry.objects.get(pk=deleted.pk)
    assert entry.deleted_by == world.employee and entry.is_deleted
    assert entry not in TimeEntry.objects.alive()


def test_a_deleted_entry_is_gone_from_the_week(world, deleted, client_for):
    response = client_for(world.employee).get(reverse("timesheets:week"), {"week": "2026-W10"})
    assert response.context["total"] == Decimal("7.5")
    assert "Ført ved en feil" not in response.text


def test_a_deleted_entry_is_gone_from_the_overview_and_its_totals(world, deleted, client_for):
    response = client_for(world.admin).get(
        reverse("timesheets:overview"), {**PERIOD, "group": "project"}
    )
    assert response.context["total"] == Decimal("7.5")
    assert [row["hours"] for row in response.context["totals"]] == [Decimal("7.5")]
    assert "Ført ved en feil" not in response.text


def test_a_deleted_entry_is_gone_from_the_exports(world, deleted, client_for):
    client = client_for(world.admin)
    rows = csv_rows(client.get(reverse("timesheets:export_csv"), PERIOD))
    assert [row[6] for row in rows[1:]] == ["7,5"]
    assert "Ført ved en feil" not in str(rows)


def test_a_deleted_entry_is_no_hours_of_the_customer_or_the_project(world, deleted):
    assert selectors.customer_hours(world.customer, on=DAY) == {
        "total": Decimal("7.5"),
        "month": Decimal("7.5"),
    }
    projects = project_selectors.with_logged_hours(Project.objects.filter(pk=world.project.pk))
    logged = projects.get().logged_hours
    assert logged == Decimal("7.5")


def test_the_cards_show_hours_without_the_deleted_entry(world, deleted, client_for):
    client = client_for(world.admin)
    customer_card = client.get(reverse("customers:detail", args=[world.customer.pk]))
    project_card = client.get(reverse("projects:detail", args=[world.project.pk]))
    for card in (customer_card, project_card):
        assert "7,5" in card.text and "10,5" not in card.text


def test_the_project_list_counts_hours_without_the_deleted_entry(world, deleted, client_for):
    response = client_for(world.admin).get(reverse("projects:list"))
    [project] = [p for p in response.context["page"] if p.pk == world.project.pk]
    assert project.logged_hours == Decimal("7.5")
    with scope(company=world.company.pk):
        [on_card] = project_selectors.customer_projects(world.admin, world.customer)
    assert on_card.logged_hours == Decimal("7.5")


def test_a_deleted_entry_cannot_be_opened_approved_or_deleted_again(world, deleted, client_for):
    client = client_for(world.employee)
    assert client.get(reverse("timesheets:entry_update", args=[deleted.pk])).status_code == 404
    assert client.post(reverse("timesheets:entry_delete", args=[deleted.pk])).status_code == 404
    assert services.entries_approve(entries=TimeEntry.objects.all(), by=world.admin).approved == 1
    assert not TimeEntry.objects.get(pk=deleted.pk).is_approved


def test_a_project_whose_hours_were_all_deleted_may_be_deleted(world):
    project = ProjectFactory(company=world.company)
    entry = TimeEntryFactory(user=world.employee, project=project)
    services.entry_delete(entry=entry, by=world.employee)
    with scope(company=world.company.pk):
        project_services.project_delete(project=project, by=world.admin)
    project.refresh_from_db()
    assert project.is_deleted


def test_services_record_who_created_changed_approved_and_reopened(world):
    entry = services.entry_create(
        company=world.company, by=world.employee, date=DAY, hours=Decimal("2")
    )
    assert (entry.created_by, entry.updated_by) == (world.employee, world.employee)
    entry = services.entry_update(
        entry=entry, by=world.admin, version=entry.version, date=DAY, hours=Decimal("3")
    )
    assert (entry.created_by, entry.updated_by) == (world.employee, world.admin)
    services.entries_approve(entries=TimeEntry.objects.filter(pk=entry.pk), by=world.moderator)
    assert TimeEntry.objects.get(pk=entry.pk).updated_by == world.moderator
    entry = services.entry_reopen(entry=entry, by=world.admin)
    assert TimeEntry.objects.get(pk=entry.pk).updated_by == world.admin


def test_an_entry_deleted_while_its_form_was_open_is_not_saved_or_reopened(world):
    stale = TimeEntry.objects.get(pk=world.entry.pk)
    services.entry_delete(entry=world.entry, by=world.employee)
    with pytest.raises(ValidationError) as error:
        services.entry_update(
            entry=stale, by=world.employee, version=stale.version, date=DAY, hours=Decimal("1")
        )
    assert error.value.messages == ["Timeføringen er slettet."]
    with pytest.raises(ValidationError):
        services.entry_reopen(entry=stale, by=world.admin)
    # Deleting it again (a second tab) changes nothing.
    again = services.entry_delete(entry=stale, by=world.admin)
    assert again.deleted_by == world.employee

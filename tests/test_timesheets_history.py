"""History stays true: deleting a customer or project changes no time entry
(the help article's own example: 40 entries on "Kari Nordmann")."""

import datetime
from decimal import Decimal

from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from core import panels
from customers.services import customer_delete
from timesheets.models import TimeEntry

from .factories import TimeEntryFactory

START = datetime.date(2026, 3, 2)


def snapshot(entries):
    return [
        (
            e.pk,
            e.user_id,
            e.date,
            e.hours,
            e.customer_id,
            e.project_id,
            e.description,
            e.version,
            e.updated_at,
        )
        for e in entries
    ]


def test_forty_entries_keep_kari_nordmann_after_she_is_deleted(world, client_for):
    for i in range(40):
        TimeEntryFactory(
            user=world.employee,
            customer=world.customer,
            project=world.project,
            date=START + datetime.timedelta(days=i % 5),
            hours=Decimal("1.5"),
            description=f"Oppdrag {i}",
        )
    entries = TimeEntry.objects.filter(
        customer=world.customer, date__lt=START + datetime.timedelta(days=7)
    )
    before = snapshot(entries.order_by("pk"))
    assert len(before) == 40

    customer_delete(customer=world.customer, by=world.admin)

    world.customer.refresh_from_db()
    assert world.customer.is_deleted
    assert snapshot(entries.order_by("pk")) == before
    week = client_for(world.employee).get(reverse("timesheets:week"), {"week": "2026-W10"})
    assert week.content.decode().count("Kari Nordmann (slettet)") == 40
    overview = client_for(world.moderator).get(
        reverse("timesheets:overview"),
        {"date_from": "2026-03-02", "date_to": "2026-03-08", "group": "customer"},
    )
    html = overview.content.decode()
    assert html.count("Kari Nordmann (slettet)") == 40
    assert overview.context["totals"][0]["name"] == "Kari Nordmann"
    assert overview.context["totals"][0]["deleted"] and overview.context["total"] == Decimal("60")
    export = client_for(world.admin).get(
        reverse("timesheets:export_csv"), {"date_from": "2026-03-02", "date_to": "2026-03-08"}
    )
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert body.count("Kari Nordmann (slettet)") == 40


def test_an_entry_on_a_deleted_customer_can_still_be_edited_by_its_owner(world, client_for):
    customer_delete(customer=world.customer, by=world.admin)
    url = reverse("timesheets:entry_update", args=[world.entry.pk])
    response = client_for(world.employee).post(
        url,
        {
            "date": world.entry.date.isoformat(),
            "hours": "6",
            "project": world.project.pk,
            "customer": world.customer.pk,
            "version": world.entry.version,
        },
    )
    assert response.status_code == 302
    world.entry.refresh_from_db()
    assert world.entry.customer == world.customer and world.entry.hours == Decimal("6")


def test_a_new_entry_on_a_project_of_a_deleted_customer_gets_no_customer(world, client_for):
    customer_delete(customer=world.customer, by=world.admin)
    client_for(world.employee).post(
        reverse("timesheets:entry_create"),
        {"date": "2026-03-05", "hours": "1", "project": world.project.pk},
    )
    entry = TimeEntry.objects.latest("id")
    assert entry.project == world.project and entry.customer is None


def render(source, **context):
    return Template("{% load hours_tags core %}" + source).render(Context(context))


def test_customer_card_shows_total_and_this_months_hours(world):
    today = timezone.localdate()
    TimeEntryFactory(user=world.employee, customer=world.customer, date=today, hours=Decimal("2.5"))
    TimeEntryFactory(
        user=world.employee,
        customer=world.customer,
        date=today.replace(day=1) - datetime.timedelta(days=1),
        hours=Decimal("10"),
    )
    TimeEntryFactory(user=world.other_admin, customer=world.other_customer, date=today)
    request = RequestFactory().get("/")
    request.user = world.admin
    html = panels.render("customers.card", request, world.customer)
    # world.entry (7,5 today) + 2,5 this month; 10 more last month.
    assert "Denne måneden" in html and "10 t" in html
    assert "Totalt" in html and "20 t" in html


def test_hours_are_shown_the_norwegian_way(world):
    assert (
        render(
            "{{ a|hours }} {{ b|hours }} {{ c|hours }}",
            a=Decimal("7.50"),
            b=Decimal("8.00"),
            c=Decimal("1234.25"),
        )
        == "7,5 8 1\xa0234,25"
    )


def test_a_deleted_project_keeps_its_number_and_name_on_the_week(world, client_for):
    world.project.deleted_at = timezone.now()
    world.project.save()
    week = world.entry.date.strftime("%G-W%V")

    response = client_for(world.employee).get(reverse("timesheets:week"), {"week": week})

    expected = f"{world.project.number} {world.project.name} (slettet)"
    assert expected in response.content.decode()

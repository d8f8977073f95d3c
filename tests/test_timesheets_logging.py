"""Faster logging: hours as people type them, the day's limits, "Før timer" filled
in from the last entry, the latest projects, copying yesterday and last week, and the
saved entry marked in the week."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from timesheets import selectors
from timesheets.forms import HoursField, TimeEntryForm
from timesheets.models import TimeEntry

from .factories import ProjectFactory, TimeEntryFactory

CREATE = reverse("timesheets:entry_create")
COPY = reverse("timesheets:entry_copy")
THURSDAY = datetime.date(2026, 3, 5)  # week 10 of 2026
HTMX = {"HTTP_HX_REQUEST": "true"}


def entry_data(world, **values):
    return {"date": "05.03.2026", "hours": "7,5", "project": world.project.pk, **values}


@pytest.mark.parametrize(
    ("typed", "hours"),
    [
        ("7,5", "7.5"),
        ("7.5", "7.5"),
        ("7:30", "7.5"),
        ("7:20", "7.33"),
        ("0:45", "0.75"),
        ("7½", "7.5"),
        ("7 ½", "7.5"),
        ("½", "0.5"),
        ("8¼", "8.25"),
        (" 8 ", "8"),
    ],
)
def test_hours_are_read_as_people_type_them(typed, hours):
    assert HoursField().clean(typed) == Decimal(hours)


@pytest.mark.parametrize("typed", ["7:60", "7:5", "7,5½", "½½", "sju", "7:30:00"])
def test_hours_that_are_no_duration_are_refused_with_a_message(typed):
    with pytest.raises(Exception, match="7,5 eller 7:30"):
        HoursField().clean(typed)


def test_logging_7_30_saves_seven_and_a_half_hours(world, client_for):
    response = client_for(world.employee).post(CREATE, entry_data(world, hours="7:30"))
    assert response.status_code == 302
    assert TimeEntry.objects.latest("id").hours == Decimal("7.5")


def test_a_day_over_24_hours_is_refused_next_to_the_hours(world, client_for):
    TimeEntryFactory(user=world.employee, date=THURSDAY, hours=Decimal("20"))
    before = TimeEntry.objects.count()
    response = client_for(world.employee).post(CREATE, entry_data(world, hours="5", long_day="on"))
    assert response.status_code == 422
    assert "25 timer" in str(response.context["form"].errors["hours"])
    assert TimeEntry.objects.count() == before


def test_the_service_refuses_a_day_over_24_hours_too(world):
    from timesheets import services

    TimeEntryFactory(user=world.employee, date=THURSDAY, hours=Decimal("20"))
    with pytest.raises(Exception, match="24"):
        services.entry_create(
            company=world.company, by=world.employee, date=THURSDAY, hours=Decimal("5")
        )


def test_a_day_over_12_hours_is_asked_about_once_and_then_saved(world, client_for):
    TimeEntryFactory(user=world.employee, date=THURSDAY, hours=Decimal("8"))
    client = client_for(world.employee)

    asked = client.post(CREATE, entry_data(world, hours="5"))
    assert asked.status_code == 422
    assert "13 timer" in asked.content.decode()
    assert 'name="long_day"' in asked.content.decode()

    saved = client.post(CREATE, entry_data(world, hours="5", long_day="on"))
    assert saved.status_code == 302
    assert TimeEntry.objects.day_hours(world.employee, THURSDAY) == Decimal("13")


def test_changing_an_entry_counts_the_day_without_its_old_hours(world, client_for):
    entry = TimeEntryFactory(
        user=world.employee, date=THURSDAY, hours=Decimal("10"), project=world.project
    )
    data = entry_data(world, hours="11", version=entry.version)
    response = client_for(world.employee).post(
        reverse("timesheets:entry_update", args=[entry.pk]), data
    )
    assert response.status_code == 302  # 11 hours, not 21: no question


def test_an_entry_without_project_and_customer_is_asked_about_once(world, client_for):
    client = client_for(world.employee)
    data = {"date": "05.03.2026", "hours": "2"}

    asked = client.post(CREATE, data)
    assert asked.status_code == 422
    assert "verken prosjekt eller kunde" in asked.content.decode()

    assert client.post(CREATE, {**data, "no_project": "on"}).status_code == 302
    assert TimeEntry.objects.latest("id").project is None


def test_log_hours_opens_on_today_with_the_last_project_and_customer(world, client_for):
    other = ProjectFactory(company=world.company, customer=None, name="Garasje")
    TimeEntryFactory(user=world.employee, date=THURSDAY, project=other)
    TimeEntryFactory(
        user=world.employee, date=THURSDAY, project=world.project, customer=world.customer
    )
    form = client_for(world.employee).get(CREATE).context["form"]
    assert form["date"].value() == datetime.date.today()
    assert (form["project"].value(), form["customer"].value()) == (
        world.project.pk,
        world.customer.pk,
    )
    assert [p.name for p in form.recent_projects] == ["Nytt bad", "Garasje"]


def test_a_last_entry_without_project_or_customer_costs_no_question_of_either(
    world, django_assert_num_queries
):
    TimeEntryFactory(user=world.employee, project=None, customer=None)

    # The latest entries (the last one first), then their projects the user may pick.
    with django_assert_num_queries(2):
        form = TimeEntryForm(user=world.employee)

    assert (form["project"].value(), form["customer"].value()) == (None, None)


def test_the_last_project_and_customer_cost_one_question_besides_the_latest_entries(
    world, django_assert_num_queries
):
    # The latest entries, their projects the user may pick, and whether the user may
    # still pick the last entry's customer.
    with django_assert_num_queries(3):
        form = TimeEntryForm(user=world.employee)

    assert (form["project"].value(), form["customer"].value()) == (
        world.project.pk,
        world.customer.pk,
    )


def test_the_latest_projects_are_those_of_the_latest_entries(world, monkeypatch):
    monkeypatch.setattr(selectors, "RECENT_ENTRIES", 2)
    earlier = ProjectFactory(company=world.company, customer=None, name="Garasje")
    TimeEntryFactory(user=world.employee, project=earlier)
    TimeEntryFactory.create_batch(2, user=world.employee, project=world.project)

    form = TimeEntryForm(user=world.employee)

    assert [p.name for p in form.recent_projects] == ["Nytt bad"]


def test_log_hours_for_someone_new_starts_without_project(world, client_for):
    form = client_for(world.moderator).get(CREATE).context["form"]
    assert form["project"].value() is None and form.recent_projects == []


def test_a_latest_project_tapped_without_javascript_brings_its_customer(world, client_for):
    other = ProjectFactory(company=world.company, customer=None, name="Garasje")
    TimeEntryFactory(user=world.employee, project=other, customer=None)
    page = client_for(world.employee).get(CREATE)
    html = page.content.decode()
    assert f'data-value="{world.project.pk}"' in html  # world.entry's project
    form = client_for(world.employee).get(CREATE, {"project": world.project.pk}).context["form"]
    assert form["customer"].value() == world.customer.pk


def test_a_finished_project_is_no_latest_choice(world, client_for):
    world.project.status = "done"
    world.project.save()
    form = client_for(world.employee).get(CREATE).context["form"]
    assert form.recent_projects == [] and form["project"].value() is None


def test_dates_are_shown_and_typed_the_norwegian_way(world, client_for):
    html = client_for(world.employee).get(CREATE, {"date": "2026-12-01"}).content.decode()
    form = TimeEntryForm(
        {"date": "1.12.2026", "hours": "1", "no_project": "on"}, user=world.employee
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date"] == datetime.date(2026, 12, 1)
    assert 'type="date"' not in html
    # The day from the week's "+" (an ISO date in the address) is shown as any date is.
    assert 'name="date" value="01.12.2026"' in html
    not_a_day = client_for(world.employee).get(CREATE, {"date": "2026-02-31"}).content.decode()
    assert 'name="date" value="2026-02-31"' in not_a_day


def test_a_date_from_a_number_pad_with_commas_is_read(world):
    form = TimeEntryForm(
        {"date": "01,12,2026", "hours": "1", "no_project": "on"}, user=world.employee
    )
    assert form.is_valid(), form.errors


def test_the_form_shows_the_date_as_01_12_2026(world):
    form = TimeEntryForm(user=world.employee, initial={"date": datetime.date(2026, 12, 1)})
    assert 'value="01.12.2026"' in str(form["date"])


def test_the_saved_entry_is_marked_in_its_week(world, client_for):
    response = client_for(world.employee).get(
        reverse("timesheets:week"), {"week": "2026-W10", "saved": world.entry.pk}
    )
    assert response.context["highlight"] == world.entry.pk


def test_copy_yesterday_logs_yesterdays_entries_again_today(world, client_for):
    TimeEntryFactory(
        user=world.employee,
        date=THURSDAY - datetime.timedelta(days=1),
        hours=Decimal("6"),
        project=world.project,
        description="Rør",
    )
    TimeEntryFactory(user=world.employee2, date=THURSDAY - datetime.timedelta(days=1))
    response = client_for(world.employee).post(COPY, {"day": THURSDAY.isoformat()})
    assert response.status_code == 302
    copied = TimeEntry.objects.get(user=world.employee, date=THURSDAY)
    assert (copied.hours, copied.project, copied.description, copied.is_approved) == (
        Decimal("6"),
        world.project,
        "Rør",
        False,
    )


def test_copy_last_week_logs_its_entries_a_week_later_and_in_place(world, client_for):
    for day in (THURSDAY, THURSDAY + datetime.timedelta(days=1)):
        TimeEntryFactory(
            user=world.employee, date=day - datetime.timedelta(days=7), project=world.project
        )
    response = client_for(world.employee).post(COPY, {"week": "2026-W10"}, **HTMX)
    assert response.status_code == 200 and 'id="week"' in response.content.decode()
    assert TimeEntry.objects.filter(user=world.employee, date__week=10).count() == 2


def test_a_copy_of_an_entry_marked_not_billable_is_not_billable_either(world, client_for):
    TimeEntryFactory(
        user=world.employee,
        date=THURSDAY - datetime.timedelta(days=1),
        project=world.project,  # a billable project
        billable=False,  # "Ikke fakturerbar", as a manager marked it
    )

    client_for(world.employee).post(COPY, {"day": THURSDAY.isoformat()})

    assert not TimeEntry.objects.get(user=world.employee, date=THURSDAY).billable


def test_a_copy_that_passes_24_hours_copies_nothing_and_says_why(world, client_for):
    yesterday = THURSDAY - datetime.timedelta(days=1)
    TimeEntryFactory(user=world.employee, date=yesterday, hours=Decimal("10"))
    TimeEntryFactory(
        user=world.employee, date=yesterday, hours=Decimal("10"), project=world.project
    )
    TimeEntryFactory(user=world.employee, date=THURSDAY, hours=Decimal("8"), project=world.project)
    response = client_for(world.employee).post(COPY, {"day": THURSDAY.isoformat()})
    assert response.status_code == 409
    assert "høyst 24" in response.content.decode()
    assert TimeEntry.objects.day_hours(world.employee, THURSDAY) == Decimal("8")


def test_a_copy_leaves_out_a_project_finished_since_and_says_so(world, client_for):
    done = ProjectFactory(company=world.company, status="done")
    TimeEntryFactory(user=world.employee, date=THURSDAY - datetime.timedelta(days=1), project=done)
    client = client_for(world.employee)
    response = client.post(COPY, {"day": THURSDAY.isoformat()}, follow=True)
    assert "1 ble utelatt" in response.content.decode()
    assert not TimeEntry.objects.filter(user=world.employee, date=THURSDAY).exists()


def test_a_double_tap_on_copy_copies_once(world, client_for):
    TimeEntryFactory(
        user=world.employee, date=THURSDAY - datetime.timedelta(days=1), project=world.project
    )
    client = client_for(world.employee)
    data = {"day": THURSDAY.isoformat(), "form_token": "0b6f7d2e-9a53-4c47-8a53-8d3f0e1c2b4a"}
    client.post(COPY, data)
    client.post(COPY, data)
    assert TimeEntry.objects.filter(user=world.employee, date=THURSDAY).count() == 1


def test_a_search_without_javascript_keeps_no_project_chosen(world, client_for):
    form = (
        client_for(world.employee)
        .get(CREATE, {"date": "05.03.2026", "project": "", "customer": "", "customer_q": "Kari"})
        .context["form"]
    )
    assert not form["project"].value() and not form["customer"].value()


def test_saving_on_the_forms_own_page_with_htmx_goes_on_to_the_week(world, client_for):
    response = client_for(world.employee).post(
        CREATE,
        entry_data(world),
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/timesheets/new/",
    )
    assert response["HX-Redirect"].startswith("/timesheets/?week=2026-W10&saved=")

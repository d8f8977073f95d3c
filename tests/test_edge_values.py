"""Edge values: dates, weeks and numbers at and past their bounds are refused next to
their field (422) or, in a URL, with a 400; never a 500, never a saved row."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from projects.models import Project
from timesheets.models import TimeEntry

from .factories import TimeEntryFactory
from .test_projects_views import form_data

WEEK_URL = reverse("timesheets:week")
NEW_ENTRY = reverse("timesheets:entry_create")
FIRST_DATE, LAST_DATE = datetime.date(2000, 1, 1), datetime.date(2099, 12, 31)


def entry_post(**overrides):
    # Without project and customer, confirmed: the question is not what these test.
    return {"date": "2026-03-05", "hours": "7,5", "no_project": "on", **overrides}


@pytest.mark.parametrize("week", ["9999-W52", "0001-W01", "2100-W01", "1999-W51"])
def test_a_week_outside_the_years_the_app_knows_is_a_bad_request(world, client_for, week):
    assert client_for(world.employee).get(WEEK_URL, {"week": week}).status_code == 400


def test_the_first_and_the_last_week_open_without_a_link_past_them(world, client_for):
    client = client_for(world.employee)
    first = client.get(WEEK_URL, {"week": "1999-W52"})  # Monday 27.12.1999: 01.01.2000 in it
    last = client.get(WEEK_URL, {"week": "2099-W53"})
    assert first.status_code == last.status_code == 200
    assert 'id="week-previous"' not in first.content.decode()
    assert 'id="week-next"' not in last.content.decode()


def test_approving_a_week_outside_the_known_years_is_a_bad_request(world, client_for):
    response = client_for(world.admin).post(
        reverse("timesheets:approve"), {"user": world.employee.pk, "week": "9999-W52"}
    )
    assert response.status_code == 400
    assert not TimeEntry.objects.approved().exists()


@pytest.mark.parametrize("date", ["9999-12-31", "0001-01-01", "31.12.2100", "1999-12-31"])
def test_hours_on_a_date_outside_the_known_years_are_refused_next_to_the_date(
    world, client_for, date
):
    before = TimeEntry.objects.count()
    response = client_for(world.employee).post(NEW_ENTRY, entry_post(date=date))
    assert response.status_code == 422
    assert "Velg en dato mellom 01.01.2000 og 31.12.2099." in response.content.decode()
    assert TimeEntry.objects.count() == before


def test_hours_on_the_first_and_the_last_known_day_are_saved(world, client_for):
    client = client_for(world.employee)
    for day in (FIRST_DATE, LAST_DATE):
        assert client.post(NEW_ENTRY, entry_post(date=day.isoformat())).status_code == 302
    assert TimeEntry.objects.filter(date__in=[FIRST_DATE, LAST_DATE]).count() == 2


@pytest.mark.parametrize(
    "hours", ["1e1000000", "-1e1000000", "1e-1000000", "9" * 500, "0." + "0" * 500 + "1", "1e2"]
)
def test_hours_with_a_huge_exponent_or_too_many_digits_are_a_field_error(world, client_for, hours):
    before = TimeEntry.objects.count()
    response = client_for(world.employee).post(NEW_ENTRY, entry_post(hours=hours))
    assert response.status_code == 422
    assert 'id="id_hours_error"' in response.content.decode() or "timer" in (
        response.content.decode()
    )
    assert TimeEntry.objects.count() == before


def test_hours_in_scientific_notation_within_the_day_are_read(world, client_for):
    response = client_for(world.employee).post(NEW_ENTRY, entry_post(hours="7.5e0"))
    assert response.status_code == 302
    assert TimeEntry.objects.filter(hours="7.5").exists()


@pytest.mark.parametrize("name", ["date_from", "date_to"])
def test_an_overview_filter_date_outside_the_known_years_is_shown_and_ignored(
    world, client_for, name
):
    client = client_for(world.moderator)
    for url in (reverse("timesheets:overview"), reverse("timesheets:export_csv")):
        response = client.get(url, {name: "9999-12-31"})
        assert response.status_code == 200
    page = client.get(reverse("timesheets:overview"), {name: "0001-01-01"})
    assert "Velg en dato mellom 01.01.2000 og 31.12.2099." in page.content.decode()


def test_a_new_entry_from_a_date_outside_the_known_years_starts_from_today(world, client_for):
    response = client_for(world.employee).get(NEW_ENTRY, {"date": "9999-12-31"})
    assert response.status_code == 200


@pytest.mark.parametrize("field", ["start_date", "end_date"])
def test_a_project_date_outside_the_known_years_is_refused(world, client_for, field):
    data = form_data(**{field: "9999-12-31"})
    if field == "start_date":
        data["end_date"] = ""
    response = client_for(world.admin).post(reverse("projects:create"), data)
    assert response.status_code == 422
    assert "Velg en dato mellom 01.01.2000 og 31.12.2099." in response.content.decode()
    assert not Project.objects.filter(name="Nytt kjøkken").exists()


@pytest.mark.parametrize("hours", ["1e1000000", "1e-1000000", "9" * 500, "-0", "1e2"])
def test_estimated_hours_with_a_huge_exponent_or_zero_are_a_field_error_or_saved(
    world, client_for, hours
):
    response = client_for(world.admin).post(
        reverse("projects:create"), form_data(estimated_hours=hours)
    )
    assert response.status_code in {302, 422}
    saved = Project.objects.filter(name="Nytt kjøkken").first()
    if response.status_code == 422:
        assert saved is None
    else:
        assert saved.estimated_hours is not None and saved.estimated_hours >= 0


def test_the_models_refuse_a_date_outside_the_known_years_in_the_admin_too(world):
    entry = TimeEntryFactory.build(
        user=world.employee, company=world.company, date=datetime.date(9999, 12, 31)
    )
    with pytest.raises(ValidationError) as refused:
        entry.full_clean(exclude=["user"])
    assert "date" in refused.value.message_dict
    project = Project(company=world.company, number=1, name="x", start_date=datetime.date(1, 1, 1))
    with pytest.raises(ValidationError) as refused:
        project.full_clean()
    assert "start_date" in refused.value.message_dict


@pytest.mark.parametrize("target", ["a b", "%00", "1e1000000", "timesheets:week", "ÿþ"])
def test_a_next_that_is_not_a_path_goes_back_to_the_default_page(world, client_for, target):
    # redirect() reads a bare word as a URL name: "a b" was a NoReverseMatch (500).
    client = client_for(world.admin)
    approve = client.post(reverse("timesheets:approve"), {"next": target})
    assert (approve.status_code, approve["Location"]) == (302, reverse("timesheets:overview"))
    delete = client.post(
        reverse("timesheets:entry_delete", args=[world.entry.pk]), {"next": target}
    )
    assert delete.status_code == 302 and delete["Location"].startswith(WEEK_URL)


@pytest.mark.parametrize("box", ["customer_q", "project_q"])
def test_a_nul_in_a_pickers_search_box_of_a_refused_form_is_dropped_not_a_500(
    world, client_for, box
):
    # The form shown again searches with what the box holds; PostgreSQL refuses NUL.
    before = TimeEntry.objects.count()
    response = client_for(world.employee).post(NEW_ENTRY, {"hours": "7,5", box: "ka\x00ri"})
    assert response.status_code == 422
    assert TimeEntry.objects.count() == before

"""Working time per employee ("Arbeidstid" on the user's page), the timebank's start,
the firm's overtime rules and days off ("Firma"), and the calendar of days off."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from worktime import calendar
from worktime.models import DayOff, OvertimeRules, TimebankStart, WorkSchedule, this_monday

from .factories import WorkScheduleFactory

pytestmark = pytest.mark.django_db


def schedule_data(valid_from, **changes):
    data = {
        "valid_from": valid_from.isoformat(),
        "position_percent": "60",
        "monday": "7,5",
        "tuesday": "7,5",
        "wednesday": "7,5",
        "thursday": "0",
        "friday": "0",
        "saturday": "0",
        "sunday": "0",
    }
    return {**data, **changes}


def test_the_user_page_shows_the_working_time_with_a_link_to_change_it(world, client_for):
    response = client_for(world.admin).get(
        reverse("accounts:user_update", args=[world.employee.pk])
    )
    assert "100 % stilling, 37,5 t i uka" in response.content.decode()
    assert reverse("worktime:employee", args=[world.employee.pk]) in response.content.decode()


def test_the_administrator_sets_a_part_time_schedule_from_next_week(world, client_for):
    next_week = this_monday() + datetime.timedelta(days=7)
    url = reverse("worktime:employee", args=[world.employee.pk])
    response = client_for(world.admin).post(url, schedule_data(next_week, flex="on"))
    assert response.status_code == 302
    schedule = WorkSchedule.objects.get(user=world.employee)
    assert (schedule.valid_from, schedule.position_percent) == (next_week, Decimal("60"))
    assert (schedule.weekly_hours, schedule.flex, schedule.created_by) == (
        Decimal("22.5"),
        True,
        world.admin,
    )
    page = client_for(world.admin).get(url).content.decode()
    assert "60 % stilling, 22,5 t i uka" in page


def test_a_schedule_for_a_week_that_has_begun_is_refused_next_to_its_date(world, client_for):
    last_week = this_monday() - datetime.timedelta(days=7)
    url = reverse("worktime:employee", args=[world.employee.pk])
    response = client_for(world.admin).post(url, schedule_data(last_week))
    assert response.status_code == 422
    assert response.context["schedule_form"].errors["valid_from"] == [
        "Arbeidstiden gjelder fra denne uka; "
        "uker som er begynt, beholder den de ble arbeidet etter."
    ]
    assert not WorkSchedule.objects.exists()


def test_a_schedule_not_begun_is_replaced_by_one_from_the_same_day(world, client_for):
    monday = this_monday() + datetime.timedelta(days=14)
    url = reverse("worktime:employee", args=[world.employee.pk])
    client = client_for(world.admin)
    client.post(url, schedule_data(monday))
    client.post(url, schedule_data(monday, position_percent="100", thursday="7,5"))
    (schedule,) = WorkSchedule.objects.filter(user=world.employee)
    assert (schedule.position_percent, schedule.thursday) == (Decimal("100"), Decimal("7.5"))


@pytest.mark.parametrize(
    ("field", "value"),
    [("position_percent", "0"), ("position_percent", "120"), ("monday", "25"), ("friday", "-1")],
)
def test_a_position_or_day_out_of_bounds_is_a_message_next_to_it(world, client_for, field, value):
    url = reverse("worktime:employee", args=[world.employee.pk])
    data = schedule_data(this_monday(), **{field: value})
    response = client_for(world.admin).post(url, data)
    assert response.status_code == 422
    assert field in response.context["schedule_form"].errors
    assert not WorkSchedule.objects.exists()


def test_the_timebank_starts_with_the_balance_brought_from_before(world, client_for):
    url = reverse("worktime:timebank_start", args=[world.employee.pk])
    response = client_for(world.admin).post(url, {"date": "01.01.2026", "balance": "-3,5"})
    assert response.status_code == 302
    start = TimebankStart.objects.get(user=world.employee)
    assert (start.date, start.balance) == (datetime.date(2026, 1, 1), Decimal("-3.5"))


def test_a_moderator_may_not_set_working_time(world, client_for):
    url = reverse("worktime:employee", args=[world.employee.pk])
    assert client_for(world.moderator).post(url, schedule_data(this_monday())).status_code == 403


def test_another_firms_employee_does_not_exist_for_the_administrator(world, client_for):
    url = reverse("worktime:employee", args=[world.other_admin.pk])
    assert client_for(world.admin).get(url).status_code == 404


def test_the_firm_page_shows_the_overtime_rules(world, client_for):
    page = client_for(world.admin).get(reverse("accounts:firm")).content.decode()
    assert "Overtid etter 9 t om dagen eller 40 t i uka, med 50 %." in page
    assert reverse("worktime:rules") in page


def test_the_firm_turns_on_a_second_band_after_a_time_of_day(world, client_for):
    data = {
        "daily_limit": "8",
        "weekly_limit": "37,5",
        "overtime_percent": "50",
        "second_band": "after_hour",
        "second_band_percent": "100",
        "second_band_from": "21:00",
    }
    response = client_for(world.admin).post(reverse("worktime:rules"), data)
    assert response.status_code == 302
    rules = OvertimeRules.objects.get(company=world.company)
    assert (rules.daily_limit, rules.weekly_limit, rules.second_band_from) == (
        Decimal("8"),
        Decimal("37.5"),
        datetime.time(21, 0),
    )


def test_a_second_band_after_a_time_of_day_needs_the_time(world, client_for):
    data = {"daily_limit": "9", "weekly_limit": "40", "overtime_percent": "50",
            "second_band": "after_hour", "second_band_percent": "100"}  # fmt: skip
    response = client_for(world.admin).post(reverse("worktime:rules"), data)
    assert response.status_code == 422
    assert response.context["rules_form"].errors["second_band_from"] == [
        "Skriv inn når det andre trinnet begynner."
    ]
    assert not OvertimeRules.objects.exists()


def test_a_day_off_is_added_once_and_can_be_removed(world, client_for):
    client = client_for(world.admin)
    data = {"date": "24.12.2026", "name": "Julaften"}
    assert client.post(reverse("worktime:day_off_create"), data).status_code == 302
    again = client.post(reverse("worktime:day_off_create"), data)
    assert again.status_code == 422
    assert again.context["day_form"].errors["date"] == ["Denne dagen er allerede en fridag."]
    day = DayOff.objects.get(company=world.company)
    assert client.post(reverse("worktime:day_off_delete", args=[day.pk])).status_code == 302
    assert not DayOff.objects.exists()


def test_the_norwegian_public_holidays_are_days_off_and_sundays_are_not(world):
    with translation.override("nb"):
        holidays = calendar.public_holidays(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    assert holidays[datetime.date(2026, 5, 17)] == "Grunnlovsdag"
    assert datetime.date(2026, 4, 6) in holidays  # Easter Monday
    assert datetime.date(2026, 5, 14) in holidays  # Ascension Day
    assert datetime.date(2026, 5, 25) in holidays  # Whit Monday
    assert datetime.date(2026, 12, 24) not in holidays
    assert datetime.date(2026, 3, 1) not in holidays  # an ordinary Sunday


def test_the_firms_own_days_off_join_the_public_holidays(world):
    from django_scopes import scope

    DayOff.objects.create(company=world.company, date=datetime.date(2026, 12, 24), name="Julaften")
    DayOff.objects.create(company=world.other_company, date=datetime.date(2026, 12, 31), name="X")
    with scope(company=world.company):
        found = calendar.days_off(datetime.date(2026, 12, 20), datetime.date(2026, 12, 31))
    assert sorted(found) == [datetime.date(2026, 12, d) for d in (24, 25, 26)]


def test_an_employee_without_a_schedule_works_the_default_one(world):
    from worktime.models import DEFAULT_SCHEDULE

    assert DEFAULT_SCHEDULE.weekly_hours == Decimal("37.5")
    assert DEFAULT_SCHEDULE.hours_on(datetime.date(2026, 12, 5)) == 0  # a Saturday
    WorkScheduleFactory(user=world.employee)  # the factory makes the same default

"""Normal hours, overtime and timebank on "Mine timer", per employee for managers, and
the firm's list of everyone's balance."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from .factories import TimebankStartFactory, TimeEntryFactory, UserFactory, WorkScheduleFactory

pytestmark = pytest.mark.django_db

# A week of 2026 that has begun for every test run after it (the schedules' rule).
WEEK = "2026-W48"
MONDAY = datetime.date(2026, 11, 23)


def a_long_week(user, *, start=Decimal("2")):
    """Monday 10 h, Tuesday to Friday 8 h: 2 h of overtime at 50 %."""
    TimebankStartFactory(user=user, date=datetime.date(2026, 1, 1), balance=start)
    for day, hours in enumerate(["10", "8", "8", "8", "8"]):
        TimeEntryFactory(
            user=user, date=MONDAY + datetime.timedelta(days=day), hours=Decimal(hours)
        )


def summary(client, query):
    return client.get(f"{reverse('worktime:week')}?{query}")


def test_my_hours_has_a_place_that_loads_the_weeks_totals(world, client_for):
    page = client_for(world.employee).get(f"{reverse('timesheets:week')}?week={WEEK}")
    url = f"{reverse('worktime:week')}?week={WEEK}"
    assert f'hx-get="{url}"' in page.content.decode()
    assert f'href="{url}"' in page.content.decode()


def test_the_employee_sees_the_weeks_normal_hours_overtime_and_timebank(world, client_for):
    a_long_week(world.employee)
    response = summary(client_for(world.employee), f"week={WEEK}")
    week = response.context["balance"].week
    assert (week.normal, week.overtime) == (Decimal("40"), {50: Decimal("2")})
    text = response.content.decode()
    assert "Overtid 50 %" in text
    assert "Timebank" in text


def test_the_timebank_of_an_employee_on_fleksitid_adds_the_weeks_extra_hours(world, client_for):
    WorkScheduleFactory(user=world.employee, flex=True)
    a_long_week(world.employee)
    balance = summary(client_for(world.employee), f"week={WEEK}").context["balance"]
    # 42 h against 37,5: 4,5 h more than the 2 h brought in, less every other weekday
    # of 2026 without hours (no entries there), so only the week's own change is checked.
    assert balance.week.timebank == Decimal("4.5")
    assert balance.week.overtime == {}


def test_a_manager_sees_an_employees_totals_and_an_employee_only_their_own(world, client_for):
    a_long_week(world.employee)
    query = f"week={WEEK}&user={world.employee.pk}"
    assert summary(client_for(world.moderator), query).context["balance"].user == world.employee
    assert summary(client_for(world.employee2), query).context["balance"].user == world.employee2
    other = f"week={WEEK}&user={world.other_admin.pk}"
    assert summary(client_for(world.admin), other).status_code == 404


@pytest.mark.parametrize("user", ["²", "1e3", "-", "9" * 30])
def test_an_employee_that_is_not_an_id_is_not_found(world, client_for, user):
    assert summary(client_for(world.moderator), f"week={WEEK}&user={user}").status_code == 404


def test_an_employees_week_shows_a_manager_the_place_for_their_totals(world, client_for):
    query = f"week={WEEK}&user={world.employee.pk}"
    page = client_for(world.moderator).get(f"{reverse('timesheets:week')}?{query}")
    assert f"{reverse('worktime:week')}?{query}".replace("&", "&amp;") in page.content.decode()


def test_the_firm_list_shows_everyones_week_and_timebank(world, client_for):
    a_long_week(world.employee, start=Decimal("12.5"))
    response = client_for(world.moderator).get(f"{reverse('worktime:balances')}?week={WEEK}")
    rows = {b.user: b for b in response.context["balances"]}
    assert set(rows) == {world.admin, world.moderator, world.employee, world.employee2}
    assert rows[world.employee].week.overtime == {50: Decimal("2")}
    assert rows[world.employee].timebank == Decimal("12.5")  # not on fleksitid


def test_the_firm_lists_queries_do_not_grow_with_employees(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(world.admin)
    url = f"{reverse('worktime:balances')}?week={WEEK}"
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for n in range(10):
        person = UserFactory(company=world.company, name=f"Ansatt {n}")
        WorkScheduleFactory(user=person, flex=n % 2 == 0)
        a_long_week(person)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["balances"]) == 14


def test_an_employee_may_not_see_the_firm_list(world, client_for):
    assert client_for(world.employee).get(reverse("worktime:balances")).status_code == 403


def test_the_week_page_loads_only_the_totals_section_into_its_place(world, client_for):
    a_long_week(world.employee)
    response = client_for(world.employee).get(
        f"{reverse('worktime:week')}?week={WEEK}", headers={"HX-Request": "true"}
    )
    text = response.content.decode()
    assert text.lstrip().startswith('<section class="card worktime-summary"')
    assert "<html" not in text

"""Absence ("Fravær"): requests, decisions, the balances and rules, the calendar."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from worktime.forms import AbsenceForm, ScheduleForm
from worktime.models import Absence, AbsenceStatus, OvertimeRules

from .factories import (
    AbsenceFactory,
    HolidayAllowanceFactory,
    TimebankStartFactory,
    TimeEntryFactory,
    WorkScheduleFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("worktime:absences")


def ask(client, kind, start, end=None, **more):
    data = {"kind": kind, "start": start, "end": end or start, **more}
    return client.post(URL, data)


def errors(response):
    return [e for field in response.context["form"].errors.values() for e in field]


def test_a_holiday_week_with_ascension_day_inside_counts_four_holiday_days(world, client_for):
    client = client_for(world.employee)
    response = ask(client, "holiday", "03.05.2027", "07.05.2027")
    assert response.status_code == 302
    absence = Absence.objects.get(user=world.employee)
    assert absence.status == AbsenceStatus.REQUESTED
    from worktime.selectors import holiday_balance

    balance = holiday_balance(world.employee, 2027)
    assert (balance.planned, balance.left) == (Decimal(4), Decimal(21))


def test_absence_overlapping_another_absence_is_refused(world, client_for):
    AbsenceFactory(user=world.employee, start=datetime.date(2027, 3, 1))
    response = ask(client_for(world.employee), "sick_child", "01.03.2027")
    assert response.status_code == 422
    assert errors(response) == ["Du har allerede ferie fra 01.03.2027 til 01.03.2027."]


def test_a_whole_day_of_absence_on_a_day_with_hours_is_refused(world, client_for):
    TimeEntryFactory(user=world.employee, date=datetime.date(2027, 3, 2))
    response = ask(client_for(world.employee), "holiday", "01.03.2027", "05.03.2027")
    assert errors(response) == ["Du har ført timer 02.03.2027."]


def test_holiday_beyond_the_days_left_is_refused_and_carried_over_days_count(world, client_for):
    HolidayAllowanceFactory(user=world.employee, year=2027, days=Decimal(3), carried_over=1)
    client = client_for(world.employee)
    response = ask(client, "holiday", "01.03.2027", "05.03.2027")
    assert errors(response) == ["Du har 4 feriedager igjen i 2027; dette er 5."]
    assert ask(client, "holiday", "01.03.2027", "04.03.2027").status_code == 302


def test_egenmelding_is_for_three_days_at_a_time_and_four_times_in_twelve_months(world, client_for):
    client = client_for(world.employee)
    response = ask(client, "self_certified", "01.03.2027", "04.03.2027")
    assert errors(response) == ["Egenmelding gjelder for høyst 3 dager om gangen."]
    for monday in ("04.01.2027", "01.02.2027", "01.03.2027", "05.04.2027"):
        assert ask(client, "self_certified", monday).status_code == 302
    response = ask(client, "self_certified", "01.06.2027")
    assert errors(response) == ["Egenmelding gjelder for høyst 4 ganger i løpet av 12 måneder."]


def test_with_an_ia_agreement_egenmelding_is_eight_days_at_a_time_and_24_in_a_year(
    world, client_for
):
    OvertimeRules.objects.create(company=world.company, ia_agreement=True)
    client = client_for(world.employee)
    assert ask(client, "self_certified", "01.03.2027", "08.03.2027").status_code == 302
    assert ask(client, "self_certified", "01.04.2027", "08.04.2027").status_code == 302
    assert ask(client, "self_certified", "03.05.2027", "10.05.2027").status_code == 302
    response = ask(client, "self_certified", "01.06.2027")
    assert errors(response) == ["Egenmelding gjelder for høyst 24 dager i løpet av 12 måneder."]


def test_avspasering_may_not_take_the_timebank_below_zero_unless_the_firm_allows(world, client_for):
    TimebankStartFactory(user=world.employee, date=timezone.localdate(), balance=Decimal("10"))
    client = client_for(world.employee)
    response = ask(client, "time_off", "01.03.2027", "02.03.2027")
    assert errors(response) == ["Timebanken din har 10 t; denne avspaseringen trenger 15 t."]
    assert ask(client, "time_off", "01.03.2027", hours="2").status_code == 302
    OvertimeRules.objects.create(company=world.company, allow_negative_timebank=True)
    assert ask(client, "time_off", "02.03.2027", "03.03.2027").status_code == 302


def test_an_employee_withdraws_a_request_not_decided_yet(world, client_for):
    waiting = AbsenceFactory(user=world.employee)
    client = client_for(world.employee)
    client.post(reverse("worktime:absence_withdraw", args=[waiting.pk]))
    waiting.refresh_from_db()
    assert waiting.status == AbsenceStatus.WITHDRAWN
    approved = AbsenceFactory(
        user=world.employee, start=datetime.date(2027, 4, 1), status=AbsenceStatus.APPROVED
    )
    client.post(reverse("worktime:absence_withdraw", args=[approved.pk]))
    approved.refresh_from_db()
    assert approved.status == AbsenceStatus.APPROVED


def test_a_moderator_approves_and_rejects_only_with_a_comment(world, client_for):
    first = AbsenceFactory(user=world.employee)
    second = AbsenceFactory(user=world.employee, start=datetime.date(2027, 4, 1))
    client = client_for(world.moderator)
    client.post(reverse("worktime:absence_decide", args=[first.pk]), {"decision": "approve"})
    client.post(reverse("worktime:absence_decide", args=[second.pk]), {"decision": "reject"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.decided_by) == (AbsenceStatus.APPROVED, world.moderator)
    assert second.status == AbsenceStatus.REQUESTED
    client.post(
        reverse("worktime:absence_decide", args=[second.pk]),
        {"decision": "reject", "comment": "Full bemanning trengs den uka"},
    )
    second.refresh_from_db()
    assert (second.status, second.comment) == (
        AbsenceStatus.REJECTED,
        "Full bemanning trengs den uka",
    )


def test_a_rejection_without_a_comment_is_refused_next_to_the_comment(world, client_for):
    waiting = AbsenceFactory(user=world.employee)
    answer = client_for(world.moderator).post(
        reverse("worktime:absence_decide", args=[waiting.pk]), {"decision": "reject"}
    )
    assert answer.status_code == 422
    assert f'aria-describedby="comment-{waiting.pk}-error"' in answer.content.decode()
    assert "Skriv hvorfor søknaden avslås." in answer.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == AbsenceStatus.REQUESTED


@pytest.mark.parametrize("decision", [None, "", "maybe"])
def test_a_post_that_is_neither_approve_nor_reject_decides_nothing(world, client_for, decision):
    waiting = AbsenceFactory(user=world.employee)
    data = {"comment": "Nei"} if decision is None else {"decision": decision, "comment": "Nei"}
    answer = client_for(world.moderator).post(
        reverse("worktime:absence_decide", args=[waiting.pk]), data
    )
    assert answer.status_code == 400
    waiting.refresh_from_db()
    assert waiting.status == AbsenceStatus.REQUESTED


def test_an_approval_with_a_comment_over_the_limit_is_not_saved_without_it(world, client_for):
    waiting = AbsenceFactory(user=world.employee)
    answer = client_for(world.moderator).post(
        reverse("worktime:absence_decide", args=[waiting.pk]),
        {"decision": "approve", "comment": "x" * 201},
    )
    assert answer.status_code == 422
    waiting.refresh_from_db()
    assert (waiting.status, waiting.comment) == (AbsenceStatus.REQUESTED, "")


def test_a_moderator_does_not_decide_their_own_absence(world, client_for):
    own = AbsenceFactory(user=world.moderator)
    client = client_for(world.moderator)
    client.post(reverse("worktime:absence_decide", args=[own.pk]), {"decision": "approve"})
    own.refresh_from_db()
    assert own.status == AbsenceStatus.REQUESTED


def test_approved_absence_covers_the_expected_hours_of_fleksitid(world, client_for):
    monday = datetime.date(2026, 11, 23)
    WorkScheduleFactory(user=world.employee, flex=True)
    TimebankStartFactory(user=world.employee, date=monday)
    AbsenceFactory(
        user=world.employee,
        kind="sick_note",
        start=monday,
        end=monday + datetime.timedelta(days=4),
        status=AbsenceStatus.APPROVED,
    )
    response = client_for(world.employee).get(f"{reverse('worktime:week')}?week=2026-W48")
    week = response.context["balance"].week
    assert (week.absence, week.timebank) == (Decimal("37.5"), Decimal("0"))


def test_the_absence_calendar_shows_who_is_away_at_phone_width_too(world, client_for):
    AbsenceFactory(user=world.employee, end=datetime.date(2027, 3, 3))
    response = client_for(world.moderator).get(
        f"{reverse('worktime:absence_calendar')}?month=2027-03"
    )
    (row,) = response.context["rows"]
    assert row[0] == world.employee
    assert [bool(cell) for cell in row[1][:4]] == [True, True, True, False]
    assert "Per Hansen</strong>: Ferie, 01.03.2027–03.03.2027" in response.content.decode()
    assert client_for(world.employee).get(reverse("worktime:absence_calendar")).status_code == 403


TEXT = st.one_of(st.text(max_size=30), st.sampled_from(["", "0", "-1", "1e9", "7,5", "31.02.2027"]))


@settings(max_examples=40)
@given(kind=TEXT, start=TEXT, end=TEXT, hours=TEXT)
def test_the_absence_form_answers_any_input_with_a_verdict(kind, start, end, hours):
    form = AbsenceForm({"kind": kind, "start": start, "end": end, "hours": hours})
    assert form.is_valid() in (True, False)


@settings(max_examples=40)
@given(percent=TEXT, monday=TEXT, valid_from=TEXT)
def test_the_schedule_form_answers_any_input_with_a_verdict(percent, monday, valid_from):
    form = ScheduleForm({"valid_from": valid_from, "position_percent": percent, "monday": monday})
    assert form.is_valid() in (True, False)

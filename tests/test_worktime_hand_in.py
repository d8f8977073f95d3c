""" "Lever uke": an employee hands in a week, which locks its entries for them in the
form, the service, the copies and the Django admin, until a manager sends it back."""

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.permissions import Role
from timesheets import services as timesheets
from timesheets.models import TimeEntry
from timesheets.selectors import Week
from worktime import services
from worktime.models import WeekHandIn, WeekHandInEvent

from .factories import TimeEntryFactory, UserFactory

pytestmark = pytest.mark.django_db

HAND_IN = reverse("worktime:hand_in")
SEND_BACK = reverse("worktime:send_back")
HAND_INS = reverse("worktime:hand_ins")
LOCKED = "Denne uka er levert og kan ikke lenger endres. Be en leder sende den tilbake."


def last_week():
    return Week.of(datetime.date.today() - datetime.timedelta(days=7))


def hand_in(user, week=None):
    return services.week_hand_in(user=user, by=user, week=week or last_week())


def errors(response):
    return " ".join(e for field in response.context["form"].errors.values() for e in field)


def test_the_confirmation_shows_the_weeks_totals_and_handing_in_locks_it(world, client_for):
    client = client_for(world.employee)
    week = last_week()
    TimeEntryFactory(user=world.employee, date=week.monday)
    confirmation = client.get(HAND_IN, {"week": str(week)})
    assert confirmation.status_code == 200
    html = confirmation.content.decode()
    assert "7,5" in html and "Lever uke" in html
    response = client.post(HAND_IN, {"week": str(week)})
    assert response.status_code == 302
    assert WeekHandIn.objects.get(user=world.employee).week == week.monday
    assert timesheets.day_lock(world.employee, week.monday + datetime.timedelta(days=3)) == LOCKED


@pytest.mark.parametrize(
    ("week", "message"),
    [
        ("2026-W60", "Skriv uka som 2026-W49."),
        ("uke 49", "Skriv uka som 2026-W49."),
        ("", "Feltet er påkrevet."),
        ("9999-W52", "Skriv uka som 2026-W49."),
    ],
)
def test_a_week_that_is_not_a_week_is_refused_with_a_message(world, client_for, week, message):
    response = client_for(world.employee).post(HAND_IN, {"week": week})
    assert response.status_code == 422
    assert message in errors(response)
    assert not WeekHandIn.objects.exists()


def test_a_week_that_has_not_begun_cannot_be_handed_in(world, client_for):
    future = Week.of(datetime.date.today() + datetime.timedelta(days=7))
    client = client_for(world.employee)
    asked = client.get(HAND_IN, {"week": str(future)})
    for response in (asked, client.post(HAND_IN, {"week": str(future)})):
        assert response.status_code == 422
        assert "En uke som ikke har begynt ennå, kan ikke leveres." in errors(response)
    with pytest.raises(ValidationError):
        hand_in(world.employee, future)
    assert not WeekHandIn.objects.exists()


def test_nobody_hands_in_someone_elses_week(world):
    with pytest.raises(PermissionDenied):
        services.week_hand_in(user=world.employee, by=world.admin, week=last_week())


def test_the_employee_cannot_change_delete_or_log_hours_in_a_handed_in_week(world, client_for):
    week = last_week()
    entry = TimeEntryFactory(user=world.employee, date=week.monday)
    hand_in(world.employee)
    client = client_for(world.employee)
    values = {"date": week.monday.isoformat(), "hours": "3", "project": world.project.pk}
    change = client.post(
        reverse("timesheets:entry_update", args=[entry.pk]), {**values, "version": entry.version}
    )
    assert change.status_code == 409
    assert LOCKED in change.content.decode()
    create = client.post(reverse("timesheets:entry_create"), values)
    assert create.status_code == 409
    assert LOCKED in create.content.decode()
    assert client.post(reverse("timesheets:entry_delete", args=[entry.pk])).status_code == 403
    entry.refresh_from_db()
    assert (entry.hours, entry.deleted_at) == (Decimal("7.50"), None)
    assert not timesheets.can_change(world.employee, entry)
    with pytest.raises(timesheets.EntryLocked):
        timesheets.entry_delete(entry=entry, by=world.employee)


def test_opening_an_entry_of_a_handed_in_week_says_why_it_cannot_be_changed(world, client_for):
    """The overview offers "Endre" to an Administrator, also on their own entry of a week
    they handed in: its page is refused with the reason, not with the role message."""
    week = last_week()
    own = TimeEntryFactory(user=world.admin, date=week.monday)
    hand_in(world.admin)
    overview = client_for(world.admin).get(
        reverse("timesheets:overview"), {"date_from": week.monday, "date_to": week.sunday}
    )
    assert reverse("timesheets:entry_update", args=[own.pk]) in overview.content.decode()
    for url_name in ("timesheets:entry_update", "timesheets:entry_delete"):
        opened = client_for(world.admin).get(reverse(url_name, args=[own.pk]))
        assert opened.status_code == 403
        html = opened.content.decode()
        assert LOCKED in html and "Rollen din gir ikke tilgang" not in html
    # Someone else's entry that was never theirs to change: the role message, no reason.
    other = client_for(world.moderator).get(reverse("timesheets:entry_update", args=[own.pk]))
    assert other.status_code == 403
    assert "Rollen din gir ikke tilgang" in other.content.decode()
    assert LOCKED not in other.content.decode()


def waiting_for_a_lock(count):
    """Whether ``count`` other sessions wait for a lock (a thread's save, here)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # read afresh within a transaction
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0] >= count


@pytest.mark.django_db(transaction=True)
def test_an_entry_saved_while_its_week_is_handed_in_waits_and_is_refused(world):
    """The hand-in takes the days' locks that entry saves take before their checks: a
    save that comes while a hand-in is committing waits for it, then sees the week
    handed in. Without those locks it would pass its check and land in a locked week."""
    week = last_week()
    outcome = {}

    def save():
        try:
            with scopes_disabled():  # as the test's own thread
                timesheets.entry_create(
                    company=world.company, by=world.employee, date=week.monday, hours=Decimal("2")
                )
            outcome["saved"] = True
        except ValidationError as error:
            outcome["refused"] = error.messages
        finally:
            connection.close()

    with transaction.atomic():
        hand_in(world.employee, week)
        thread = threading.Thread(target=save)
        thread.start()
        for _ in range(200):  # the save reaches the day's lock, then waits
            if waiting_for_a_lock(1):
                break
            time.sleep(0.02)
    thread.join(timeout=10)

    assert outcome == {"refused": [LOCKED]}
    assert not TimeEntry.objects.filter(user=world.employee, date=week.monday).exists()


def test_an_entry_cannot_be_moved_into_a_handed_in_week(world, client_for):
    hand_in(world.employee)
    entry = world.entry  # today, an open week
    with pytest.raises(ValidationError) as refused:
        timesheets.entry_update(
            entry=entry, by=world.employee, version=entry.version, date=last_week().monday, hours=1
        )
    assert refused.value.messages == [LOCKED]


def test_copies_into_a_handed_in_week_copy_nothing_and_say_why(world, client_for):
    week = last_week()
    TimeEntryFactory(user=world.employee, date=week.monday - datetime.timedelta(days=7))
    TimeEntryFactory(user=world.employee, date=week.monday)
    hand_in(world.employee)
    before = TimeEntry.objects.alive().count()
    client = client_for(world.employee)
    copy_week = client.post(reverse("timesheets:entry_copy"), {"week": str(week)})
    tuesday = week.monday + datetime.timedelta(days=1)
    copy_day = client.post(reverse("timesheets:entry_copy"), {"day": tuesday.isoformat()})
    for response in (copy_week, copy_day):
        assert response.status_code == 409
        assert LOCKED in response.content.decode()
    assert TimeEntry.objects.alive().count() == before


def test_the_lock_is_the_employees_an_administrator_may_still_correct_the_week(world):
    entry = TimeEntryFactory(user=world.employee, date=last_week().monday)
    hand_in(world.employee)
    assert timesheets.can_change(world.admin, entry)
    assert not timesheets.can_change(world.employee, entry)


def test_the_django_admin_shows_a_handed_in_weeks_entry_but_does_not_save_it(world, client_for):
    entry = TimeEntryFactory(user=world.employee, date=last_week().monday)
    staff = UserFactory(company=None, role=Role.EMPLOYEE, is_staff=True, is_superuser=True)
    client = client_for(staff)
    url = reverse("admin:timesheets_timeentry_change", args=[entry.pk])
    assert 'name="_save"' in client.get(url).content.decode()
    hand_in(world.employee)
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post(url, {}).status_code == 403


@pytest.mark.parametrize("manager", ["admin", "moderator"])
def test_a_manager_sends_a_week_back_with_a_comment_and_it_opens(world, client_for, manager):
    entry = TimeEntryFactory(user=world.employee, date=last_week().monday)
    hand_in(world.employee)
    data = {"week": str(last_week()), "user": world.employee.pk, "comment": "Mangler fredag"}
    response = client_for(getattr(world, manager)).post(SEND_BACK, data)
    assert response.status_code == 302
    returned = WeekHandIn.objects.get()
    assert (returned.returned_by, returned.comment) == (getattr(world, manager), "Mangler fredag")
    assert timesheets.can_change(world.employee, entry)
    assert WeekHandInEvent.objects.filter(pgh_obj=returned, comment="Mangler fredag").exists()
    hand_in(world.employee)
    assert not timesheets.can_change(world.employee, entry)
    assert WeekHandInEvent.objects.filter(pgh_obj=returned).count() == 3


def test_sending_back_needs_a_comment(world, client_for):
    hand_in(world.employee)
    data = {"week": str(last_week()), "user": world.employee.pk, "comment": " "}
    response = client_for(world.admin).post(SEND_BACK, data)
    assert response.status_code == 422
    assert WeekHandIn.objects.get().returned_at is None


def test_a_week_not_handed_in_cannot_be_sent_back(world, client_for):
    data = {"week": str(last_week()), "user": world.employee.pk, "comment": "Nei"}
    assert client_for(world.admin).post(SEND_BACK, data).status_code == 404


def test_a_moderator_does_not_send_back_their_own_week(world, client_for):
    hand_in(world.moderator)
    data = {"week": str(last_week()), "user": world.moderator.pk, "comment": "Feil"}
    response = client_for(world.moderator).post(SEND_BACK, data)
    assert response.status_code == 422
    assert "Noen andre sender din egen uke tilbake." in response.content.decode()


def test_an_employee_cannot_send_back_or_see_the_list(world, client_for):
    hand_in(world.employee)
    client = client_for(world.employee)
    data = {"week": str(last_week()), "user": world.employee.pk, "comment": "Selv"}
    assert client.post(SEND_BACK, data).status_code == 403
    assert client.get(HAND_INS).status_code == 403
    assert WeekHandIn.objects.get().returned_at is None


def test_another_firms_administrator_cannot_send_a_week_back(world, client_for):
    hand_in(world.employee)
    data = {"week": str(last_week()), "user": world.employee.pk, "comment": "Fremmed"}
    assert client_for(world.other_admin).post(SEND_BACK, data).status_code == 404
    listing = client_for(world.other_admin).get(HAND_INS, {"week": str(last_week())})
    assert "Per Hansen" not in listing.content.decode()


def test_managers_see_who_has_handed_in_and_who_has_not(world, client_for):
    hand_in(world.employee)
    response = client_for(world.moderator).get(HAND_INS, {"week": str(last_week())})
    assert response.status_code == 200
    rows = {row.user.name: row.hand_in is not None for row in response.context["rows"]}
    assert rows == {
        "Ingrid Berg": False,
        "Lars Moen": False,
        "Per Hansen": True,
        "Sofie Lie": False,
    }


def test_the_list_takes_the_same_queries_for_ten_employees_as_for_four(world, client_for):
    client = client_for(world.admin)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(HAND_INS, {"week": str(last_week())}).status_code == 200
        return len(captured)

    hand_in(world.employee)
    before = queries()
    for number in range(6):
        user = UserFactory(company=world.company, role=Role.EMPLOYEE, name=f"Ansatt {number}")
        hand_in(user)
    assert queries() == before


def test_the_week_summary_offers_lever_uke_and_then_says_handed_in(world, client_for):
    client = client_for(world.employee)
    url = reverse("worktime:week")
    week = str(last_week())
    assert f"{HAND_IN}?week={week}" in client.get(url, {"week": week}).content.decode()
    hand_in(world.employee)
    summary = client.get(url, {"week": week}).content.decode()
    assert f"{HAND_IN}?week={week}" not in summary
    assert "Levert" in summary


def test_the_working_time_list_leads_managers_to_the_handed_in_weeks(world, client_for):
    html = client_for(world.moderator).get(reverse("worktime:balances")).content.decode()
    assert HAND_INS in html

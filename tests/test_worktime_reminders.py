"""The reminders of "Lever uke" on the work queue: last week on Monday from 10:00 Oslo
time, a day without hours from 16:00; each once however many workers run them."""

import datetime
import os
import re
import subprocess
import sys
import threading
from pathlib import Path
from smtplib import SMTPException
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import User
from core.queue import app
from timesheets.selectors import Week
from worktime import reminders, selectors, tasks
from worktime.models import (
    Absence,
    AbsenceKind,
    AbsenceStatus,
    DayOff,
    OvertimeRules,
    Reminder,
    ReminderKind,
    WeekHandIn,
)

from .factories import TimeEntryFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent
OSLO = ZoneInfo("Europe/Oslo")
# Week 48 of 2026 is 23.11–29.11; its reminder is due from Monday 30.11 at 10:00.
WEEK_48 = Week(datetime.date(2026, 11, 23))
MONDAY = datetime.date(2026, 11, 30)
OURS = {"Ingrid Berg", "Lars Moen", "Per Hansen", "Sofie Lie"}  # the firm's four users


def at(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=OSLO)


def hand_in_run(when):
    """The hourly task as a worker runs it for the due time ``when``: e-mails sent."""
    return tasks.remind_hand_in(timestamp=int(when.timestamp()))


@pytest.fixture
def run(clock):
    """The hourly tasks run at ``when``, the clock too (a retry of a job runs at a later
    clock time for the same due time: ``clock.advance``)."""

    class Run:
        def hand_in(self, when):
            clock.now = when
            return hand_in_run(when)

        def day(self, when):
            clock.now = when
            return tasks.remind_empty_day(timestamp=int(when.timestamp()))

    return Run()


def recipients():
    names = dict(User.objects.values_list("email", "name"))
    return sorted(names[message.to[0]] for message in mail.outbox)


def mail_to(user):
    (found,) = [message for message in mail.outbox if message.to == [user.email]]
    return found


@pytest.fixture
def firm(world):
    """The world's users, employed since January (so last week had hours to work)."""
    User.objects.update(date_joined=datetime.datetime(2026, 1, 1, tzinfo=OSLO))
    for name in ["admin", "moderator", "employee", "employee2", "other_admin"]:
        getattr(world, name).refresh_from_db()
    return world


def handed_in(user, week=WEEK_48, **fields):
    return WeekHandIn.objects.create(company=user.company, user=user, week=week.monday, **fields)


def test_both_reminders_run_every_hour_on_the_work_queue():
    schedule = {
        periodic.task.name: periodic.cron
        for periodic in app.periodic_registry.periodic_tasks.values()
    }
    assert schedule["worktime.remind_hand_in"] == "0 * * * *"
    assert schedule["worktime.remind_empty_day"] == "0 * * * *"


def test_on_monday_at_ten_whoever_has_not_handed_in_gets_a_mail_with_a_link_to_the_week(
    run, firm, settings, client_for
):
    settings.SITE_URL = "https://svenn.example.no"
    handed_in(firm.employee2)

    assert run.hand_in(at(MONDAY, 10)) == 4

    assert recipients() == ["Ingrid Berg", "Lars Moen", "Ola Nilsen", "Per Hansen"]
    message = mail_to(firm.employee)
    assert message.subject == "Lever uke 48"
    assert "Hei Per Hansen," in message.body
    assert "Du har ikke levert uke 48 (23.11.–29.11.2026) i Demo Bygg AS." in message.body
    link = "https://svenn.example.no/worktime/week/?week=2026-W48"
    assert link in message.body
    assert "Annen Firma AS" in mail_to(firm.other_admin).body
    week = client_for(firm.employee).get(link.removeprefix("https://svenn.example.no"))
    assert week.status_code == 200
    assert reverse("worktime:hand_in") + "?week=2026-W48" in week.content.decode()


@pytest.mark.parametrize(
    ("monday", "utc_hour"),
    [(MONDAY, 9), (datetime.date(2026, 6, 1), 8)],
    ids=["winter, UTC+1", "summer, UTC+2"],
)
def test_the_reminder_goes_at_ten_oslo_time_in_winter_and_summer(run, firm, monday, utc_hour):
    ten = datetime.datetime.combine(monday, datetime.time(utc_hour), tzinfo=datetime.UTC)

    assert run.hand_in(ten - datetime.timedelta(hours=1)) == 0
    assert run.hand_in(at(monday, 9, 59)) == 0
    assert run.hand_in(ten) == 5

    assert at(monday, 10) == ten
    assert {r.period for r in Reminder.objects.all()} == {monday - datetime.timedelta(days=7)}


def test_a_worker_that_was_down_at_ten_sends_when_it_runs_again_and_only_then(run, firm):
    assert run.hand_in(at(MONDAY + datetime.timedelta(days=1), 14)) == 5
    assert run.hand_in(at(MONDAY + datetime.timedelta(days=2), 14)) == 0
    assert len(mail.outbox) == 5


def test_running_again_or_retried_sends_nothing_more(run, firm):
    assert run.hand_in(at(MONDAY, 10)) == 5
    assert run.hand_in(at(MONDAY, 10)) == 0  # a retry of the same job
    assert run.hand_in(at(MONDAY, 11)) == 0
    assert len(mail.outbox) == 5
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 5


def test_a_week_sent_back_is_reminded_of_and_a_handed_in_week_is_not(run, firm):
    sent_back = datetime.datetime(2026, 11, 27, 12, tzinfo=OSLO)
    handed_in(firm.employee, returned_at=sent_back, returned_by=firm.admin, comment="Fredag")
    handed_in(firm.employee2)
    handed_in(firm.moderator, week=Week(MONDAY))  # this week's, not last week's

    run.hand_in(at(MONDAY, 10))

    assert "Per Hansen" in recipients()
    assert "Sofie Lie" not in recipients()
    assert "Lars Moen" in recipients()


def test_a_week_without_hours_to_work_is_not_reminded_of(run, firm):
    for day in WEEK_48.days[:5]:  # the firm gave the whole week off
        DayOff.objects.create(company=firm.company, date=day, name="Fri")
    late = User.objects.filter(pk=firm.other_admin.pk)
    late.update(date_joined=at(MONDAY, 8))  # began after the week

    assert run.hand_in(at(MONDAY, 10)) == 0
    assert mail.outbox == []


def test_a_firm_that_turned_the_reminder_off_gets_none_and_another_firm_still_does(run, firm):
    OvertimeRules.objects.create(company=firm.company, remind_hand_in=False)

    run.hand_in(at(MONDAY, 10))

    assert recipients() == ["Ola Nilsen"]


def test_inactive_users_get_no_reminder_and_the_mail_is_in_the_users_language(run, firm):
    User.objects.filter(pk=firm.employee2.pk).update(is_active=False)
    User.objects.filter(pk=firm.employee.pk).update(language="en")

    run.hand_in(at(MONDAY, 10))

    assert "Sofie Lie" not in recipients()
    message = mail_to(firm.employee)
    assert message.subject == "Hand in week 48"
    assert "You have not handed in week 48 (23.11.–29.11.2026) in Demo Bygg AS." in message.body


def test_two_workers_at_once_send_each_reminder_exactly_once(transactional_db, firm, monkeypatch):
    # Both workers find the same five due before either writes a reminder.
    both_found = threading.Barrier(2, timeout=10)
    due = selectors.hand_in_reminders_due

    def found_together(week):
        users = due(week)
        both_found.wait()
        return users

    monkeypatch.setattr(selectors, "hand_in_reminders_due", found_together)
    sent = []

    def worker():
        try:
            sent.append(hand_in_run(at(MONDAY, 10)))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sum(sent) == 5
    assert len(mail.outbox) == 5
    assert len({message.to[0] for message in mail.outbox}) == 5
    with scopes_disabled():
        assert Reminder.objects.filter(sent_at__isnull=False).count() == 5


def test_two_worker_processes_send_each_reminder_exactly_once(transactional_db, firm):
    # The 10:00 job and the 11:00 job, one for each worker: both find the week due. On a
    # queue of their own, which the workers' own periodic deferrals do not reach.
    for hour in (10, 11):
        job = tasks.remind_hand_in.configure(queue=QUEUE)
        job.defer(timestamp=int(at(MONDAY, hour).timestamp()))
    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]
    # The console backend: each worker writes the e-mails it sends to its output.
    env = {**os.environ, "DATABASE_URL": url, "EMAIL_BACKEND": CONSOLE}
    command = [sys.executable, "manage.py", "procrastinate", "worker", "--one-shot", "-q", QUEUE]
    workers = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [worker.communicate(timeout=60)[0].decode() for worker in workers]

    assert [worker.returncode for worker in workers] == [0, 0]
    subjects = [line for output in outputs for line in output.splitlines()]
    assert len([line for line in subjects if line.startswith("Subject: ")]) == 5
    with scopes_disabled():
        assert Reminder.objects.filter(sent_at__isnull=False).count() == 5


CONSOLE = "django.core.mail.backends.console.EmailBackend"
QUEUE = "reminders-test"


def failing_for(address, times, monkeypatch):
    """The mail server refuses the e-mails to ``address``, ``times`` times."""
    refused = []
    send = reminders.send_mail

    def send_mail(**message):
        if message["recipient_list"] == [address] and len(refused) < times:
            refused.append(address)
            raise SMTPException("451 Try again later")
        return send(**message)

    monkeypatch.setattr(reminders, "send_mail", send_mail)
    return refused


def test_a_failed_send_is_kept_logged_and_sent_once_by_the_next_run(run, firm, monkeypatch, caplog):
    failing_for(firm.employee.email, 1, monkeypatch)

    assert run.hand_in(at(MONDAY, 10)) == 4
    reminder = Reminder.objects.get(user=firm.employee)
    assert (reminder.sent_at, reminder.error) == (None, "451 Try again later")
    assert "Could not send the hand_in reminder" in caplog.text
    assert run.hand_in(at(MONDAY, 10)) == 0  # a retry of the same job: too soon

    assert run.hand_in(at(MONDAY, 11)) == 1
    assert run.hand_in(at(MONDAY, 12)) == 0
    assert recipients().count("Per Hansen") == 1
    reminder.refresh_from_db()
    assert (reminder.sent_at is not None, reminder.error, reminder.attempts) == (True, "", 2)


def test_a_send_that_keeps_failing_is_given_up_after_three_tries(run, firm, monkeypatch):
    refused = failing_for(firm.employee.email, 10, monkeypatch)

    for hour in range(10, 16):
        run.hand_in(at(MONDAY, hour))

    assert len(refused) == reminders.ATTEMPTS == 3
    assert Reminder.objects.get(user=firm.employee).sent_at is None


def test_a_reminder_is_not_sent_after_the_week_was_handed_in_even_if_it_failed(
    run, firm, monkeypatch
):
    refused = failing_for(firm.employee.email, 1, monkeypatch)
    run.hand_in(at(MONDAY, 10))
    handed_in(firm.employee)

    assert run.hand_in(at(MONDAY, 11)) == 0
    assert refused == [firm.employee.email]


# 16:00 on a day without hours --------------------------------------------------------

WEDNESDAY = datetime.date(2026, 11, 25)


@pytest.fixture
def empty_days_on(firm):
    OvertimeRules.objects.create(company=firm.company, remind_empty_day=True)
    return firm


def approved_absence(user, start, end):
    return Absence.objects.create(
        company=user.company,
        user=user,
        kind=AbsenceKind.HOLIDAY,
        start=start,
        end=end,
        status=AbsenceStatus.APPROVED,
    )


def test_at_four_whoever_has_no_hours_and_no_absence_today_gets_a_mail(
    run, empty_days_on, settings
):
    world = empty_days_on
    settings.SITE_URL = "https://svenn.example.no"
    TimeEntryFactory(user=world.employee, date=WEDNESDAY, hours=2)
    approved_absence(world.moderator, WEDNESDAY, WEDNESDAY)
    Absence.objects.create(  # asked for, not approved: the day is still without hours
        company=world.company,
        user=world.admin,
        kind=AbsenceKind.HOLIDAY,
        start=WEDNESDAY,
        end=WEDNESDAY,
    )

    assert run.day(at(WEDNESDAY, 15, 59)) == 0
    assert run.day(at(WEDNESDAY, 16)) == 2
    assert run.day(at(WEDNESDAY, 17)) == 0

    assert recipients() == ["Ingrid Berg", "Sofie Lie"]  # not the other firm: it is off
    message = mail_to(world.employee2)
    assert message.subject == "Ingen timer ført 25.11.2026"
    assert "Du har ikke ført timer i dag, 25.11.2026, i Demo Bygg AS" in message.body
    assert "https://svenn.example.no/timesheets/?week=2026-W48" in message.body


def test_no_day_reminder_on_a_weekend_a_holiday_or_in_a_handed_in_week(run, empty_days_on):
    world = empty_days_on
    handed_in(world.employee)

    assert run.day(at(datetime.date(2026, 11, 28), 16)) == 0  # a Saturday
    assert run.day(at(datetime.date(2026, 12, 25), 16)) == 0  # Christmas Day
    assert run.day(at(WEDNESDAY, 16)) == 3
    assert "Per Hansen" not in recipients()


def test_the_day_reminder_is_off_by_default(run, firm):
    assert run.day(at(WEDNESDAY, 16)) == 0
    assert not Reminder.objects.exists()


# "Uten timer" in the managers' list ---------------------------------------------------

HAND_INS = reverse("worktime:hand_ins")


@pytest.fixture
def wednesday(firm, clock):
    """The middle of week 48: Monday's hours of two, Sofie away from Tuesday."""
    clock.now = at(WEDNESDAY, 17)
    TimeEntryFactory(user=firm.employee, date=WEEK_48.monday)
    TimeEntryFactory(user=firm.employee2, date=WEEK_48.monday)
    approved_absence(firm.employee2, WEDNESDAY - datetime.timedelta(days=1), WEDNESDAY)
    return clock


def days_shown(response):
    return {row.user.name: list(row.days_without_hours) for row in response.context["rows"]}


def test_managers_see_each_employees_days_without_hours(firm, wednesday, client_for):
    response = client_for(firm.moderator).get(HAND_INS, {"week": str(WEEK_48)})

    tuesday = WEDNESDAY - datetime.timedelta(days=1)
    assert days_shown(response) == {
        "Ingrid Berg": [WEEK_48.monday, tuesday, WEDNESDAY],
        "Lars Moen": [WEEK_48.monday, tuesday, WEDNESDAY],
        "Per Hansen": [tuesday, WEDNESDAY],
        "Sofie Lie": [],
    }
    text = re.sub(r"<[^>]+>", "", response.content.decode())
    assert "Uten timer tir. 24.11, ons. 25.11\n" in text


def test_today_counts_from_four_only(firm, wednesday, client_for):
    wednesday.now = at(WEDNESDAY, 15)
    response = client_for(firm.admin).get(HAND_INS, {"week": str(WEEK_48)})
    assert days_shown(response)["Per Hansen"] == [WEDNESDAY - datetime.timedelta(days=1)]


def test_the_list_of_days_takes_the_same_queries_for_ten_employees_as_for_four(
    firm, wednesday, client_for, django_assert_num_queries
):
    client = client_for(firm.admin)
    with CaptureQueriesContext(connection) as captured:
        client.get(HAND_INS, {"week": str(WEEK_48)})
    four = len(captured)
    for number in range(6):
        user = UserFactory(company=firm.company, name=f"Ansatt {number}")
        User.objects.filter(pk=user.pk).update(date_joined=at(datetime.date(2026, 1, 1), 8))
        TimeEntryFactory(user=user, date=WEEK_48.monday)
        approved_absence(user, WEDNESDAY, WEDNESDAY)

    with django_assert_num_queries(four):
        response = client.get(HAND_INS, {"week": str(WEEK_48)})
    assert len(response.context["rows"]) == 10


def test_the_list_of_days_is_for_managers_of_the_firm_only(firm, wednesday, client_for):
    assert client_for(firm.employee).get(HAND_INS).status_code == 403
    for manager in (firm.admin, firm.moderator):
        response = client_for(manager).get(HAND_INS, {"week": str(WEEK_48)})
        assert "Per Hansen" in response.content.decode()
    other = client_for(firm.other_admin).get(HAND_INS, {"week": str(WEEK_48)})
    assert other.status_code == 200
    assert set(days_shown(other)) == {"Ola Nilsen"}


# The firm's settings -------------------------------------------------------------------

RULES = reverse("worktime:rules")
REMINDER_SETTINGS = reverse("worktime:reminder_settings")


def test_the_rules_page_has_the_reminder_to_hand_in_on_and_the_day_one_off(world, client_for):
    html = client_for(world.admin).get(RULES).content.decode()
    assert "Påminnelse om levering" in html
    assert "Påminnelse kl. 16 på dager uten timer" in html
    assert re.search(r'<input [^>]*name="remind_hand_in"[^>]* checked', html)
    assert not re.search(r'<input [^>]*name="remind_empty_day"[^>]* checked', html)


def test_the_administrator_turns_the_reminders_around(world, client_for):
    OvertimeRules.objects.create(company=world.company, daily_limit=8)
    client = client_for(world.admin)

    response = client.post(REMINDER_SETTINGS, {"remind_empty_day": "on"}, follow=True)

    assert "Påminnelsene er lagret." in response.content.decode()
    rules = OvertimeRules.objects.get(company=world.company)
    assert (rules.remind_hand_in, rules.remind_empty_day, rules.daily_limit) == (False, True, 8)
    assert not OvertimeRules.objects.filter(company=world.other_company).exists()


def test_a_moderator_or_an_employee_cannot_change_the_reminders(world, client_for):
    for user in (world.moderator, world.employee):
        assert client_for(user).post(REMINDER_SETTINGS, {}).status_code == 403
    assert not OvertimeRules.objects.exists()


def test_platform_staff_read_the_reminders_in_the_admin(run, firm, client_for):
    run.hand_in(at(MONDAY, 10))
    staff = UserFactory(company=None, is_staff=True, is_superuser=True)
    response = client_for(staff).get(reverse("admin:worktime_reminder_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 5
    assert Reminder.objects.filter(kind=ReminderKind.HAND_IN).count() == 5

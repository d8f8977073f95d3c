"""The timer ("Tidtaker"): started on "Før timer", kept on the server, stopped into an
entry rounded as the firm chooses, and the midnight rule for one left running."""

import datetime
import re
import uuid
import zoneinfo
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Company, TimerRounding
from accounts.permissions import Role
from projects.models import Project, ProjectStatus
from timesheets import services
from timesheets.models import TimeEntry, Timer, TimerEvent
from timesheets.selectors import Week
from worktime.models import WeekHandIn

from .factories import TimeEntryFactory, UserFactory

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
WEEK_URL = reverse("timesheets:week")
START_URL = reverse("timesheets:timer_start")
HTMX = {"HTTP_HX_REQUEST": "true"}


def at(*args):
    """A moment on the wall clock in Norway."""
    return datetime.datetime(*args, tzinfo=OSLO)


@pytest.fixture
def clock(clock):
    """Django's clock held at noon of today in Norway, so that a timer started an hour
    or two before it started today, whenever the tests run (also just after midnight)."""
    today = timezone.localdate(clock.now)
    clock.now = at(today.year, today.month, today.day, 12, 0)
    return clock


def minutes(value, seconds=0):
    return datetime.timedelta(minutes=value, seconds=seconds)


def stop_url(timer):
    return reverse("timesheets:timer_stop", args=[timer.key])


def discard_url(timer):
    return reverse("timesheets:timer_discard", args=[timer.key])


def running(user, started_at, project=None, customer=None):
    return Timer.objects.create(
        company=user.company,
        user=user,
        project=project,
        customer=customer,
        started_at=started_at,
    )


def rounding(company, step):
    Company.objects.filter(pk=company.pk).update(timer_rounding=step)


def message_texts(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# Rounding ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "elapsed", "hours"),
    [
        # None: to the hundredth of an hour the entries store, at least one.
        (TimerRounding.NONE, minutes(7), "0.12"),
        (TimerRounding.NONE, minutes(90), "1.50"),
        (TimerRounding.NONE, datetime.timedelta(seconds=10), "0.01"),
        # 15 minutes: the nearest quarter, half up, at least one quarter.
        (TimerRounding.QUARTER, datetime.timedelta(0), "0.25"),
        (TimerRounding.QUARTER, minutes(7), "0.25"),
        (TimerRounding.QUARTER, minutes(8), "0.25"),
        (TimerRounding.QUARTER, minutes(22, 29), "0.25"),
        (TimerRounding.QUARTER, minutes(22, 30), "0.50"),
        (TimerRounding.QUARTER, minutes(37, 29), "0.50"),
        (TimerRounding.QUARTER, minutes(37, 30), "0.75"),
        (TimerRounding.QUARTER, minutes(8 * 60 + 7), "8.00"),
        # 30 minutes.
        (TimerRounding.HALF_HOUR, minutes(7), "0.50"),
        (TimerRounding.HALF_HOUR, minutes(22, 30), "0.50"),
        (TimerRounding.HALF_HOUR, minutes(44, 59), "0.50"),
        (TimerRounding.HALF_HOUR, minutes(45), "1.00"),
    ],
)
def test_a_stopped_timer_rounds_to_the_nearest_step_and_at_least_one(step, elapsed, hours):
    assert services.timer_hours(elapsed, step) == Decimal(hours)


# The midnight rule --------------------------------------------------------------


@pytest.mark.parametrize(
    ("started", "now", "overnight"),
    [
        (at(2026, 12, 1, 0, 5), at(2026, 12, 1, 23, 59), False),
        (at(2026, 12, 1, 23, 50), at(2026, 12, 2, 0, 5), True),
        (at(2026, 11, 27, 7, 30), at(2026, 12, 1, 7, 0), True),
        # 23:30 in UTC is already the next day in Norway: the day is Oslo's.
        (
            datetime.datetime(2026, 11, 30, 23, 30, tzinfo=datetime.UTC),
            at(2026, 12, 1, 22, 0),
            False,
        ),
    ],
)
def test_a_timer_from_an_earlier_day_in_norway_is_overnight(started, now, overnight):
    timer = Timer(started_at=started)
    assert services.timer_overnight(timer, now) is overnight


@pytest.mark.parametrize(
    ("started", "until_midnight"),
    [
        (at(2026, 12, 1, 8, 0), datetime.timedelta(hours=16)),
        # Summer time begins at 02:00 on 29.03.2026: that day has 23 hours.
        (at(2026, 3, 29, 0, 30), datetime.timedelta(hours=22, minutes=30)),
        # and ends at 03:00 on 25.10.2026: that day has 25.
        (at(2026, 10, 25, 0, 30), datetime.timedelta(hours=24, minutes=30)),
    ],
)
def test_midnight_of_a_timers_day_counts_the_hours_that_day_really_had(started, until_midnight):
    timer = Timer(started_at=started)
    assert services.timer_midnight(timer) - started == until_midnight


def test_stopping_at_midnight_on_a_summer_time_day_logs_its_real_hours(world, clock):
    timer = running(world.employee, at(2026, 3, 29, 0, 30), project=world.project)
    clock.now = at(2026, 3, 30, 9, 0)

    entry = services.timer_stop(timer=timer, by=world.employee, end=services.TimerEnd.MIDNIGHT)

    assert entry.date == datetime.date(2026, 3, 29)
    assert entry.hours == Decimal("22.50")
    assert not Timer.objects.filter(pk=timer.pk).exists()


def test_a_25_hour_day_up_to_midnight_is_refused_as_any_day_over_24_hours(world, clock):
    timer = running(world.employee, at(2026, 10, 25, 0, 30), project=world.project)
    clock.now = at(2026, 10, 26, 9, 0)

    with pytest.raises(ValidationError, match="24"):
        services.timer_stop(timer=timer, by=world.employee, end=services.TimerEnd.MIDNIGHT)

    assert Timer.objects.filter(pk=timer.pk).exists()


def test_an_overnight_timer_is_never_stopped_without_a_choice(world, clock):
    timer = running(world.employee, at(2026, 12, 1, 16, 0), project=world.project)
    clock.now = at(2026, 12, 2, 7, 0)

    with pytest.raises(ValidationError, match="01.12.2026"):
        services.timer_stop(timer=timer, by=world.employee)

    assert TimeEntry.objects.filter(user=world.employee).count() == 1  # world.entry
    assert Timer.objects.filter(pk=timer.pk).exists()


def test_keeping_the_time_as_counted_logs_it_on_the_day_it_started(world, clock):
    rounding(world.company, TimerRounding.QUARTER)
    world.employee.refresh_from_db()
    timer = running(world.employee, at(2026, 12, 1, 20, 0), project=world.project)
    clock.now = at(2026, 12, 2, 0, 40)

    entry = services.timer_stop(timer=timer, by=world.employee, end=services.TimerEnd.NOW)

    assert entry.date == datetime.date(2026, 12, 1)
    assert entry.hours == Decimal("4.75")


# Start --------------------------------------------------------------------------


def test_start_on_a_project_keeps_a_timer_on_the_server_with_the_projects_customer(
    world, client_for
):
    client = client_for(world.employee)

    response = client.post(START_URL, {"project": world.project.pk, "hours": "", "date": "x"})

    assert response.status_code == 302
    assert response["Location"] == f"{WEEK_URL}#timer"
    timer = Timer.objects.get(user=world.employee)
    assert timer.project == world.project and timer.customer == world.customer
    # A reload, another tab, another phone: the server has it.
    page = client_for(world.employee).get(WEEK_URL).content.decode()
    assert "Tidtaker går" in page and "Nytt bad" in page
    assert f'action="{stop_url(timer)}"' in page and f'action="{discard_url(timer)}"' in page


def test_a_second_timer_is_refused_with_why_and_the_first_runs_on(world, client_for):
    first = running(world.employee, timezone.now(), project=world.project)

    response = client_for(world.employee).post(START_URL, {"customer": world.customer.pk})

    assert response.status_code == 409
    assert "Du har allerede en tidtaker som går" in response.content.decode()
    assert list(Timer.objects.filter(user=world.employee)) == [first]


def test_two_starts_at_once_meet_the_constraint_and_the_second_gets_the_409(
    world, client_for, monkeypatch
):
    running(world.employee, timezone.now(), project=world.project)
    # The second request looked before the first had saved.
    monkeypatch.setattr(services, "timer_running", lambda user: False)

    response = client_for(world.employee).post(START_URL, {"project": world.project.pk})

    assert response.status_code == 409
    assert "Du har allerede en tidtaker som går" in response.content.decode()
    assert Timer.objects.filter(user=world.employee).count() == 1


def test_the_database_keeps_one_timer_per_user(world):
    running(world.employee, timezone.now())
    with pytest.raises(IntegrityError, match="timer_one_per_user"), transaction.atomic():
        running(world.employee, timezone.now())


def test_a_timer_needs_a_project_or_customer_the_user_may_pick(world, client_for):
    client = client_for(world.employee)
    Project.objects.filter(pk=world.project.pk).update(status=ProjectStatus.DONE)

    nothing = client.post(START_URL, {})
    finished = client.post(START_URL, {"project": world.project.pk})
    theirs = client.post(START_URL, {"project": world.other_project.pk})

    assert nothing.status_code == finished.status_code == theirs.status_code == 422
    assert "Velg et prosjekt eller en kunde for tidtakeren." in nothing.content.decode()
    assert "Fremmed" not in theirs.content.decode()
    assert not Timer.objects.exists()


def test_start_is_a_button_of_the_entry_form_with_its_one_time_token(world, client_for):
    client = client_for(world.employee)
    form = client.get(reverse("timesheets:entry_create")).content.decode()
    assert f'formaction="{START_URL}"' in form and "Start tidtaker" in form

    token = "6f1c1a5e-3d51-4a8e-9a8b-0c8f4d1e2a33"
    data = {"project": world.project.pk, "form_token": token}
    assert client.post(START_URL, data).status_code == 302
    # The same tap again creates nothing and says so.
    again = client.post(START_URL, data, follow=True)
    assert "Skjemaet var allerede lagret." in again.content.decode()
    assert Timer.objects.filter(user=world.employee).count() == 1
    # While it runs the form offers no second one.
    form = client.get(reverse("timesheets:entry_create")).content.decode()
    assert "Start tidtaker" not in form and "Tidtakeren din går." in form


def test_the_header_of_every_page_shows_the_running_timer(world, client_for, clock):
    running(world.employee, clock.now - minutes(83), project=world.project)

    page = client_for(world.employee).get(reverse("accounts:profile")).content.decode()
    other = client_for(world.employee2).get(reverse("accounts:profile")).content.decode()

    assert 'class="timer-pill"' in page and "1 t 23 min" in page
    assert 'data-timer-seconds="4980"' in page
    assert 'class="timer-pill"' not in other


def test_the_week_and_its_header_ask_for_the_timer_once(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(world.employee)
    running(world.employee, timezone.now(), project=world.project)
    client.get(WEEK_URL)
    with django_assert_max_num_queries(8) as queries:
        response = client.get(WEEK_URL)

    asked = [q["sql"] for q in queries.captured_queries if '"timesheets_timer"' in q["sql"]]
    # One query, with the project and customer the timer card names.
    assert len(asked) == 1 and '"projects_project"' in asked[0]
    html = response.content.decode()
    assert 'class="timer-pill"' in html and 'id="timer"' in html
    assert "Nytt bad" in html.split('id="timer"')[1].split("</section>")[0]


def test_another_pages_header_asks_for_the_timer_without_its_names(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(world.employee)
    running(world.employee, timezone.now(), project=world.project)
    with django_assert_max_num_queries(20) as queries:
        response = client.get(reverse("accounts:profile"))

    asked = [q["sql"] for q in queries.captured_queries if '"timesheets_timer"' in q["sql"]]
    assert len(asked) == 1 and '"projects_project"' not in asked[0]
    assert 'class="timer-pill"' in response.content.decode()
    # The pill shows the time only, so the names are never fetched.
    assert not [q for q in queries.captured_queries if 'FROM "projects_project"' in q["sql"]]


def test_one_tap_on_mine_timer_starts_a_timer_on_a_latest_project(world, client_for):
    client = client_for(world.employee)
    week = client.get(WEEK_URL).content.decode()
    assert 'aria-labelledby="timer-start-label"' in week and "Nytt bad</button>" in week

    response = client.post(START_URL, {"project": world.project.pk})

    assert response.status_code == 302
    assert Timer.objects.get(user=world.employee).project == world.project
    week = client.get(WEEK_URL).content.decode()
    assert 'aria-labelledby="timer-start-label"' not in week and "Tidtaker går" in week


# Stop ---------------------------------------------------------------------------


def test_stop_logs_the_rounded_hours_and_opens_the_entry_for_its_description(
    world, client_for, clock
):
    rounding(world.company, TimerRounding.QUARTER)
    timer = running(world.employee, clock.now - minutes(52), project=world.project)
    client = client_for(world.employee)

    response = client.post(stop_url(timer))

    entry = TimeEntry.objects.exclude(pk=world.entry.pk).get(user=world.employee)
    assert entry.hours == Decimal("0.75")
    assert entry.date == timezone.localdate(timer.started_at)
    assert (entry.project, entry.customer) == (world.project, world.customer)
    assert not Timer.objects.filter(user=world.employee).exists()
    edit = reverse("timesheets:entry_update", args=[entry.pk])
    assert response.status_code == 302 and response["Location"].startswith(f"{edit}?describe=1&")
    form = client.get(response["Location"])
    assert "Tidtakeren er stoppet: 0,75 t." in form.content.decode()
    assert form.context["form"]["description"].field.widget.attrs["autofocus"]
    # "Lagre" with the description: back on the week, the entry marked.
    data = {"date": entry.date.isoformat(), "hours": "0,75", "project": world.project.pk}
    data |= {"customer": world.customer.pk, "description": "Rørlegging", "version": 1}
    data |= {"next": form.context["next"]}
    saved = client.post(edit, data)
    assert f"saved={entry.pk}#entry-{entry.pk}" in saved["Location"]


def test_stop_with_javascript_marks_the_entry_in_the_week_and_opens_its_form(
    world, client_for, clock
):
    timer = running(world.employee, clock.now - minutes(30), project=world.project)
    client = client_for(world.employee)

    response = client.post(stop_url(timer), **HTMX)

    entry = TimeEntry.objects.exclude(pk=world.entry.pk).get(user=world.employee)
    assert entry.hours == Decimal("0.50")
    location = response["HX-Redirect"]
    assert f"saved={entry.pk}&describe={entry.pk}#entry-{entry.pk}" in location
    week = client.get(location).content.decode()
    edit = reverse("timesheets:entry_update", args=[entry.pk])
    assert f'hx-get="{edit}?describe=1" hx-trigger="load"' in week
    assert f'id="entry-{entry.pk}"' in week and "entry highlight" in week
    # Only an entry of the user's own week is opened so.
    theirs = client.get(f"{WEEK_URL}?describe={world.other_entry.pk}").content.decode()
    assert 'class="describe"' not in theirs


def test_stop_in_a_handed_in_week_is_refused_with_why_and_the_timer_runs_on(
    world, client_for, clock
):
    timer = running(world.employee, clock.now - minutes(60), project=world.project)
    monday = Week.of(timezone.localdate(timer.started_at)).monday
    WeekHandIn.objects.create(company=world.company, user=world.employee, week=monday)

    response = client_for(world.employee).post(stop_url(timer))

    assert response.status_code == 409
    assert "Denne uka er levert og kan ikke lenger endres." in response.content.decode()
    assert Timer.objects.filter(pk=timer.pk).exists()
    assert TimeEntry.objects.filter(user=world.employee).count() == 1


def test_stop_that_would_pass_24_hours_on_the_day_is_refused(world, client_for, clock):
    timer = running(world.employee, clock.now - minutes(120), project=world.project)
    TimeEntryFactory(
        user=world.employee, date=timezone.localdate(timer.started_at), hours=Decimal("23")
    )

    response = client_for(world.employee).post(stop_url(timer))

    assert response.status_code == 422
    assert "en dag har høyst 24" in response.content.decode()
    assert Timer.objects.filter(pk=timer.pk).exists()


def test_stop_on_a_project_finished_since_is_refused(world, client_for, clock):
    timer = running(world.employee, clock.now - minutes(60), project=world.project)
    Project.objects.filter(pk=world.project.pk).update(status=ProjectStatus.DONE)

    response = client_for(world.employee).post(stop_url(timer))

    assert response.status_code == 422
    assert "Prosjekt:" in response.content.decode()
    assert Timer.objects.filter(pk=timer.pk).exists()


def test_a_timer_stopped_on_another_phone_says_so_on_this_one(world, client_for, clock):
    timer = running(world.employee, clock.now - minutes(60), project=world.project)
    assert client_for(world.employee).post(stop_url(timer)).status_code == 302

    again = client_for(world.employee).post(stop_url(timer), follow=True)

    assert "Tidtakeren er allerede stoppet." in again.content.decode()
    assert TimeEntry.objects.filter(user=world.employee).count() == 2
    assert TimerEvent.objects.filter(key=timer.key, pgh_label="delete").exists()


def test_nobody_sees_or_stops_another_users_timer(world, client_for, clock):
    timer = running(world.employee, clock.now - minutes(60), project=world.project)
    theirs = running(world.other_admin, clock.now - minutes(60), project=world.other_project)

    for user in (world.employee2, world.admin, world.moderator, world.other_admin):
        client = client_for(user)
        assert client.post(stop_url(timer)).status_code == 404
        assert client.post(discard_url(timer)).status_code == 404
        week = client.get(WEEK_URL).content.decode()
        assert f'action="{stop_url(timer)}"' not in week
    # The other firm's Administrator sees their own timer, and only that.
    assert f'action="{stop_url(theirs)}"' in client_for(world.other_admin).get(WEEK_URL).text
    for url in (stop_url(theirs), discard_url(theirs)):
        assert client_for(world.admin).post(url).status_code == 404
    assert Timer.objects.count() == 2
    assert not TimeEntry.objects.filter(date=timezone.localdate(timer.started_at)).exclude(
        pk__in=[world.entry.pk, world.other_entry.pk]
    )


def test_discard_throws_the_timer_away_without_hours(world, client_for, clock):
    timer = running(world.employee, clock.now - minutes(60), project=world.project)

    response = client_for(world.employee).post(discard_url(timer), follow=True)

    assert "Tidtakeren er forkastet." in response.content.decode()
    assert not Timer.objects.exists()
    assert TimeEntry.objects.filter(user=world.employee).count() == 1


# The midnight rule on "Mine timer" ---------------------------------------------------


def test_an_overnight_timer_asks_on_the_week_and_plain_stop_is_refused(world, client_for, clock):
    clock.now = at(2026, 12, 2, 7, 0)
    timer = running(world.employee, at(2026, 11, 30, 7, 30), project=world.project)
    client = client_for(world.employee)

    page = client.get(WEEK_URL).content.decode()
    refused = client.post(stop_url(timer))

    assert "Tidtakeren har gått siden 30.11.2026 kl. 07:30" in page
    assert 'name="end" value="midnight"' in page and 'name="end" value="now"' in page
    assert "Forkast" in page
    assert refused.status_code == 409
    assert "Velg hvordan den skal stoppes." in refused.content.decode()
    assert Timer.objects.filter(pk=timer.pk).exists()


def test_an_overnight_timer_stopped_at_midnight_logs_its_day_up_to_24(world, client_for, clock):
    clock.now = at(2026, 12, 2, 7, 0)
    timer = running(world.employee, at(2026, 11, 30, 7, 30), project=world.project)

    response = client_for(world.employee).post(stop_url(timer), {"end": "midnight"})

    assert response.status_code == 302
    entry = TimeEntry.objects.get(user=world.employee, date=datetime.date(2026, 11, 30))
    assert entry.hours == Decimal("16.50")


def test_an_overnight_timer_kept_as_counted_past_24_hours_is_refused(world, client_for, clock):
    clock.now = at(2026, 12, 2, 7, 0)
    timer = running(world.employee, at(2026, 11, 30, 7, 30), project=world.project)

    response = client_for(world.employee).post(stop_url(timer), {"end": "now"})

    assert response.status_code == 422
    assert "Timer: Et døgn har høyst 24 timer." in response.content.decode()
    assert Timer.objects.filter(pk=timer.pk).exists()


# A tap kept on the phone without a connection ------------------------------------


NOON = datetime.datetime(2026, 12, 2, 11, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("age", "moment"),
    [
        (None, NOON),  # sent at once, online
        ("0", NOON),
        ("1500", NOON - datetime.timedelta(milliseconds=1500)),
        (" 007 ", NOON - datetime.timedelta(milliseconds=7)),
        (str(7 * 24 * 3600 * 1000), NOON - datetime.timedelta(days=7)),
    ],
)
def test_a_tap_is_the_servers_now_less_how_long_ago_the_phone_counted(age, moment):
    assert services.tapped_at(age, NOON) == moment


@pytest.mark.parametrize(
    ("age", "why"),
    [
        ("-1", "kunne ikke leses"),
        ("1.5", "kunne ikke leses"),
        ("abc", "kunne ikke leses"),
        ("١٢", "kunne ikke leses"),  # digits, but not ours
        (str(7 * 24 * 3600 * 1000 + 1), "mer enn 7 dager"),
        ("9" * 40, "mer enn 7 dager"),
    ],
)
def test_a_tap_of_no_count_or_older_than_the_limit_is_refused(age, why):
    with pytest.raises(ValidationError, match=why):
        services.tapped_at(age, NOON)


def test_a_stop_kept_on_the_phone_counts_until_the_tap_and_rounds_as_any(world, clock):
    rounding(world.company, TimerRounding.QUARTER)
    world.employee.refresh_from_db()
    timer = running(world.employee, clock.now - minutes(120), project=world.project)

    # Tapped 80 minutes after the start, sent 40 minutes later: 1 h 20 min, a quarter's
    # multiple already; 1 h 28 min rounds to 1,5.
    entry = services.timer_stop(timer=timer, by=world.employee, at=clock.now - minutes(32))

    assert entry.hours == Decimal("1.50")


def test_a_stop_tapped_before_its_start_counts_from_the_start(world, clock):
    timer = running(world.employee, clock.now, project=world.project)

    entry = services.timer_stop(timer=timer, by=world.employee, at=clock.now - minutes(5))

    assert entry.hours == Decimal("0.01")  # the least step, as a stop tapped at once


def test_a_timer_started_offline_yesterday_and_stopped_offline_today_asks(world, clock):
    clock.now = at(2026, 12, 2, 9, 0)
    started = services.timer_start(
        company=world.company, by=world.employee, project=world.project, at=at(2026, 12, 1, 21, 0)
    )
    assert timezone.localdate(started.started_at) == datetime.date(2026, 12, 1)

    tapped = at(2026, 12, 2, 0, 30)
    with pytest.raises(ValidationError, match="01.12.2026 kl. 21:00"):
        services.timer_stop(timer=started, by=world.employee, at=tapped)
    entry = services.timer_stop(
        timer=started, by=world.employee, at=tapped, end=services.TimerEnd.NOW
    )

    assert entry.date == datetime.date(2026, 12, 1)
    assert entry.hours == Decimal("3.50")  # until the tap, not until it arrived


def test_a_stop_tapped_the_same_day_does_not_ask_though_it_arrives_the_next(world, clock):
    clock.now = at(2026, 12, 2, 7, 0)
    timer = running(world.employee, at(2026, 12, 1, 14, 0), project=world.project)

    entry = services.timer_stop(timer=timer, by=world.employee, at=at(2026, 12, 1, 15, 30))

    assert (entry.date, entry.hours) == (datetime.date(2026, 12, 1), Decimal("1.50"))


def test_a_start_and_stop_sent_late_log_the_hours_between_the_taps(world, client_for, clock):
    client = client_for(world.employee)
    key = "0b3e5c1e-8d0f-4c57-9d2e-1f6a3b2c4d5e"
    start = {"project": world.project.pk, "timer_key": key, "form_token": str(uuid.uuid4())}
    stop = {"form_token": str(uuid.uuid4())}
    stop_key = reverse("timesheets:timer_stop", args=[key])

    # Started 100 minutes ago, stopped 10 minutes ago; both sent now, by the page.
    started = client.post(START_URL, start | {"tapped_ms_ago": 100 * 60_000}, **HTMX)
    stopped = client.post(stop_key, stop | {"tapped_ms_ago": 10 * 60_000}, **HTMX)
    # Both once more (the page and the service worker): nothing more is made.
    again = client.post(START_URL, start | {"tapped_ms_ago": 100 * 60_000 + 5}, **HTMX)
    stopped_again = client.post(stop_key, stop | {"tapped_ms_ago": 10 * 60_000 + 5}, **HTMX)

    assert started.status_code == stopped.status_code == 200
    assert again.status_code == stopped_again.status_code == 204
    entry = TimeEntry.objects.exclude(pk=world.entry.pk).get(user=world.employee)
    assert entry.hours == Decimal("1.50")
    assert f"describe={entry.pk}" in stopped["HX-Redirect"]
    assert not Timer.objects.exists()
    assert TimerEvent.objects.filter(key=key, pgh_label="insert").get().started_at == (
        clock.now - minutes(100)
    )


def test_a_tap_kept_too_long_is_refused_with_why_and_starts_nothing(world, client_for):
    data = {"project": world.project.pk, "tapped_ms_ago": 8 * 24 * 3600 * 1000}

    response = client_for(world.employee).post(START_URL, data, **HTMX)

    assert response.status_code == 422
    assert "mer enn 7 dager siden" in response.content.decode()
    assert not Timer.objects.exists()


def test_a_kept_stop_of_a_timer_stopped_on_another_phone_is_refused_with_why(
    world, client_for, clock
):
    timer = running(world.employee, clock.now - minutes(60), project=world.project)
    assert client_for(world.employee).post(stop_url(timer)).status_code == 302

    kept = client_for(world.employee).post(
        stop_url(timer), {"tapped_ms_ago": "60000", "form_token": str(uuid.uuid4())}, **HTMX
    )

    assert kept.status_code == 409
    assert "Tidtakeren er allerede stoppet." in kept.content.decode()
    assert "message-error" in kept.content.decode()
    assert TimeEntry.objects.filter(user=world.employee).count() == 2


def test_a_timer_key_of_another_user_or_firm_is_not_found(world, client_for, clock):
    timer = running(world.employee, clock.now - minutes(60), project=world.project)
    kept = {"tapped_ms_ago": "1000"}

    for user in (world.employee2, world.admin, world.other_admin):
        client = client_for(user)
        assert client.post(stop_url(timer), kept, **HTMX).status_code == 404
        assert client.post(discard_url(timer), kept, **HTMX).status_code == 404
    # A key the user's own start never reached the server with: not found either.
    unknown = reverse("timesheets:timer_stop", args=[uuid.uuid4()])
    assert client_for(world.employee).post(unknown, kept, **HTMX).status_code == 404
    assert Timer.objects.get() == timer


def test_the_start_forms_carry_a_key_for_the_timer_they_start(world, client_for):
    client = client_for(world.employee)
    week = client.get(WEEK_URL).content.decode()
    form = client.get(reverse("timesheets:entry_create")).content.decode()
    keys = re.findall(r'name="timer_key" value="([0-9a-f-]{36})"', week + form)
    assert len(keys) == 2 and len(set(keys)) == 2

    client.post(START_URL, {"project": world.project.pk, "timer_key": keys[0]})

    timer = Timer.objects.get(user=world.employee)
    assert str(timer.key) == keys[0]
    week = client.get(WEEK_URL).content.decode()
    assert f'data-timer-key="{keys[0]}"' in week
    assert f'hx-post="{reverse("timesheets:timer_stop", args=[keys[0]])}"' in week


# Firma --------------------------------------------------------------------------


def test_the_administrator_sets_the_rounding_on_firma(world, client_for):
    client = client_for(world.admin)
    page = client.get(reverse("accounts:firm")).content.decode()
    assert "Rund av tidtakerens tid" in page and "Til 15 minutter" in page

    saved = client.post(reverse("accounts:firm_timer"), {"timer_rounding": "30"})
    refused = client.post(reverse("accounts:firm_timer"), {"timer_rounding": "20"})

    assert saved.status_code == 302
    assert refused.status_code == 422
    world.company.refresh_from_db()
    assert world.company.timer_rounding == TimerRounding.HALF_HOUR
    moderator = client_for(world.moderator)
    assert (
        moderator.post(reverse("accounts:firm_timer"), {"timer_rounding": "0"}).status_code == 403
    )


# Django admin -------------------------------------------------------------------


def test_platform_staff_read_every_firms_timers_and_change_none(world, client_for):
    timer = running(world.employee, timezone.now(), project=world.project)
    running(world.other_admin, timezone.now(), project=world.other_project)
    staff = UserFactory(company=None, role=Role.EMPLOYEE, is_staff=True, is_superuser=True)
    client = client_for(staff)

    listing = client.get(reverse("admin:timesheets_timer_changelist")).content.decode()
    change = client.post(reverse("admin:timesheets_timer_change", args=[timer.pk]), {})

    assert "Per Hansen" in listing and "Ola Nilsen" in listing
    assert client.get(reverse("admin:timesheets_timer_add")).status_code == 403
    assert change.status_code == 403
    shown = client.get(reverse("admin:timesheets_timer_change", args=[timer.pk])).content
    assert str(timer.key) in shown.decode()
    assert client.get(reverse("admin:timesheets_timerevent_changelist")).status_code == 200

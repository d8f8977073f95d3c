"""The firm's security log ("Sikkerhetslogg"): every kind of event is recorded by doing
the real thing, the Administrator reads it, nobody else does, and it keeps no secret."""

import datetime
import io
import json
import re

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import security_log
from accounts.models import SecurityEvent
from accounts.permissions import Role
from accounts.security_log import Kind

from .factories import PASSWORD, UserFactory
from .test_accounts_password import NEW_PASSWORD, choose_password, link_in

LOGIN = reverse("accounts:login")
LOG = reverse("accounts:security_log")
BROWSER = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/131.0 Mobile"


def log_in(client, email, password=PASSWORD):
    return client.post(LOGIN, {"username": email, "password": password})


def events(company, kind=None):
    rows = SecurityEvent.objects.filter(company=company).order_by("id")
    return list(rows.filter(kind=kind) if kind else rows)


def only(company, kind):
    found = events(company, kind)
    assert len(found) == 1, f"{len(found)} {kind} events"
    return found[0]


def event_at(company, kind, at, **fields):
    """An event written as if at ``at``, as the retention and page tests need."""
    event = SecurityEvent(company=company, kind=kind, **fields)
    event.at = at
    event.save()
    return event


# Recorded by doing the real thing


def test_a_sign_in_is_recorded_with_the_address_and_a_shortened_user_agent(world):
    client = Client(HTTP_USER_AGENT=BROWSER + " x" * 200)

    log_in(client, world.employee.email)

    event = only(world.company, Kind.SIGNED_IN)
    assert (event.actor, event.user) == (world.employee, world.employee)
    assert event.ip_address == "127.0.0.1"
    assert event.user_agent.startswith(BROWSER)
    assert len(event.user_agent) == 200
    assert events(world.other_company) == []


def test_a_wrong_password_is_recorded_for_the_user_with_the_normalised_email(world):
    log_in(Client(), f"  {world.employee.email.upper()} ", "wrong-password")

    event = only(world.company, Kind.SIGN_IN_FAILED)
    assert event.user == world.employee
    assert event.actor is None  # whoever typed it is not known
    assert event.detail == {"email": world.employee.email}
    assert event.ip_address == "127.0.0.1"


def test_a_failed_sign_in_for_an_unknown_email_goes_to_the_application_log_only(world, caplog):
    log_in(Client(), "nobody-here@example.no", "Hemmelig-passord-1")

    assert SecurityEvent.objects.count() == 0
    warning = next(r for r in caplog.records if r.name == "accounts.security")
    assert "127.0.0.1" in warning.getMessage()
    assert "nobody-here" not in warning.getMessage()
    assert "Hemmelig" not in caplog.text


def test_a_lockout_is_recorded_after_the_failure_limit(world):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, world.admin.email, "wrong-password")

    assert len(events(world.company, Kind.SIGN_IN_FAILED)) == settings.AXES_FAILURE_LIMIT
    event = only(world.company, Kind.LOCKED_OUT)
    assert event.user == world.admin
    assert event.detail == {"email": world.admin.email}
    assert event.ip_address == "127.0.0.1"


def test_the_right_password_while_locked_out_is_a_refused_sign_in(world):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, world.admin.email, "wrong-password")

    assert log_in(client, world.admin.email).status_code == 429

    assert len(events(world.company, Kind.LOCKED_OUT)) == 2
    assert len(events(world.company, Kind.SIGN_IN_FAILED)) == settings.AXES_FAILURE_LIMIT + 1
    assert events(world.company, Kind.SIGNED_IN) == []


def test_signing_out_is_recorded(world):
    client = Client()
    log_in(client, world.moderator.email)

    client.post(reverse("accounts:logout"))

    event = only(world.company, Kind.SIGNED_OUT)
    assert (event.actor, event.user) == (world.moderator, world.moderator)


def test_a_password_change_is_recorded(world, client_for):
    client = client_for(world.admin)

    client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        HTTP_USER_AGENT=BROWSER,
    )

    event = only(world.company, Kind.PASSWORD_CHANGED)
    assert (event.actor, event.user) == (world.admin, world.admin)
    assert (event.ip_address, event.user_agent) == ("127.0.0.1", BROWSER)


def test_a_refused_password_change_is_not_recorded(world, client_for):
    client_for(world.admin).post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert events(world.company, Kind.PASSWORD_CHANGED) == []


def test_a_completed_password_reset_is_recorded_and_a_requested_one_is_not(world):
    Client().post(reverse("accounts:password_reset"), {"email": world.employee.email})
    assert events(world.company, Kind.PASSWORD_RESET) == []

    choose_password(link_in(mail.outbox[-1]))

    event = only(world.company, Kind.PASSWORD_RESET)
    assert (event.actor, event.user) == (world.employee, world.employee)
    assert event.ip_address == "127.0.0.1"


def test_a_role_change_is_recorded_with_the_old_and_new_role(world, client_for):
    client_for(world.admin).post(
        reverse("accounts:user_update", args=[world.employee.pk]),
        {"name": world.employee.name, "phone": "", "role": Role.MODERATOR},
        HTTP_USER_AGENT=BROWSER,
    )

    event = only(world.company, Kind.ROLE_CHANGED)
    assert (event.actor, event.user) == (world.admin, world.employee)
    assert event.detail == {"old": "employee", "new": "moderator"}
    # The service records it; the address is the request's all the same.
    assert (event.ip_address, event.user_agent) == ("127.0.0.1", BROWSER)


def test_saving_a_user_without_changing_the_role_records_no_role_change(world, client_for):
    client_for(world.admin).post(
        reverse("accounts:user_update", args=[world.employee.pk]),
        {"name": "Per Hansen Jr.", "phone": "", "role": Role.EMPLOYEE},
    )

    assert events(world.company, Kind.ROLE_CHANGED) == []


def test_deactivating_and_reactivating_a_user_is_recorded(world, client_for):
    client = client_for(world.admin)
    url = reverse("accounts:user_set_active", args=[world.employee2.pk])

    client.post(url, {"active": "0"})
    client.post(url, {"active": "0"})  # already inactive: nothing happens
    client.post(url, {"active": "1"})

    kinds = [e.kind for e in events(world.company) if e.user == world.employee2]
    assert kinds == [Kind.USER_DEACTIVATED, Kind.USER_REACTIVATED]
    assert only(world.company, Kind.USER_DEACTIVATED).actor == world.admin


def test_adding_a_user_is_recorded(world, client_for):
    client_for(world.admin).post(
        reverse("accounts:user_create"),
        {"name": "Nina Ny", "email": "nina@demo.no", "phone": "", "role": Role.MODERATOR},
    )

    event = only(world.company, Kind.USER_CREATED)
    assert event.user.email == "nina@demo.no"
    assert event.actor == world.admin
    assert event.detail == {"role": "moderator"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_is_recorded_with_its_format_and_filter(world, client_for, fmt):
    response = client_for(world.moderator).get(
        reverse(f"timesheets:export_{fmt}"),
        {"date_from": "2026-11-30", "date_to": "2026-12-06", "user": world.employee.pk},
    )
    assert response.status_code == 200

    event = only(world.company, Kind.EXPORTED)
    assert (event.actor, event.user) == (world.moderator, None)
    assert event.detail == {
        "format": fmt,
        "date_from": "2026-11-30",
        "date_to": "2026-12-06",
        "user": "Per Hansen",
    }
    assert event.ip_address == "127.0.0.1"


def test_platform_staff_signing_in_is_in_no_firms_log(db):
    staff = UserFactory(company=None, is_staff=True, email="drift@svenn.no")

    log_in(Client(), staff.email)

    assert SecurityEvent.objects.count() == 0


# The API


def test_record_refuses_a_detail_that_names_a_secret(world):
    for key in ["password", "reset_link", "token", "session_key", "otp_secret"]:
        with pytest.raises(ValueError, match="secret"):
            security_log.record(Kind.SIGNED_IN, user=world.admin, detail={key: "x"})

    assert events(world.company) == []


def test_record_keeps_the_detail_small_and_plain(world):
    event = security_log.record(
        Kind.TWO_FACTOR_RESET, user=world.employee, actor=world.admin, detail={"note": "x" * 500}
    )

    assert len(event.detail["note"]) == 200
    with pytest.raises(TypeError):
        security_log.record(Kind.SIGNED_IN, user=world.admin, detail={"nested": {"a": 1}})


def test_the_two_factor_kinds_are_ready_for_the_two_factor_sign_in():
    assert {Kind.TWO_FACTOR_ENABLED, Kind.TWO_FACTOR_DISABLED, Kind.TWO_FACTOR_RESET} <= set(Kind)
    assert Kind.RECOVERY_CODE_USED in Kind


# No secrets


def test_no_password_token_session_key_or_link_is_stored(world):
    client = Client()
    log_in(client, world.admin.email)
    sessions = {client.session.session_key, client.cookies[settings.SESSION_COOKIE_NAME].value}
    client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    sessions.add(client.session.session_key)
    log_in(Client(), world.admin.email, "Feil-passord-99")
    Client().post(reverse("accounts:password_reset"), {"email": world.employee.email})
    link = link_in(mail.outbox[-1])
    uidb64, token = link.rstrip("/").split("/")[-2:]
    choose_password(link, "Ny-Reset-Passord-2026")
    world.admin.refresh_from_db()
    world.employee.refresh_from_db()

    stored = json.dumps(list(SecurityEvent.objects.values()), default=str)

    assert {e.kind for e in SecurityEvent.objects.all()} >= {
        Kind.SIGNED_IN,
        Kind.PASSWORD_CHANGED,
        Kind.SIGN_IN_FAILED,
        Kind.PASSWORD_RESET,
    }
    secrets = [PASSWORD, NEW_PASSWORD, "Feil-passord-99", "Ny-Reset-Passord-2026", token, link]
    secrets += [world.admin.password, world.employee.password, *sessions]
    leaked = [secret for secret in secrets if secret and secret in stored]
    assert leaked == []
    assert f"/{uidb64}/" not in stored


# Append-only, kept for a while


def test_the_database_refuses_to_change_or_delete_a_security_event(world):
    event = security_log.record(Kind.SIGNED_IN, user=world.admin)

    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        SecurityEvent.objects.filter(pk=event.pk).update(kind=Kind.SIGNED_OUT)
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        SecurityEvent.objects.filter(pk=event.pk).delete()
    with (
        pytest.raises(DatabaseError, match="Cannot update or delete"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM accounts_securityevent")

    event.refresh_from_db()
    assert event.kind == Kind.SIGNED_IN


def test_prune_deletes_events_past_the_retention_time_in_every_firm(world, settings):
    settings.SECURITY_LOG_RETENTION_DAYS = 30
    now = timezone.now()
    old = event_at(world.company, Kind.SIGNED_IN, now - datetime.timedelta(days=31))
    other_old = event_at(world.other_company, Kind.SIGNED_IN, now - datetime.timedelta(days=90))
    kept = event_at(world.company, Kind.SIGNED_IN, now - datetime.timedelta(days=29))

    call_command("prune_security_log", stdout=(out := io.StringIO()))

    remaining = set(SecurityEvent.objects.values_list("pk", flat=True))
    assert kept.pk in remaining
    assert not {old.pk, other_old.pk} & remaining
    assert "Deleted 2 " in out.getvalue()


def test_prune_takes_the_days_to_keep_from_the_command_line(world):
    event_at(world.company, Kind.SIGNED_IN, timezone.now() - datetime.timedelta(days=8))

    call_command("prune_security_log", "--days", "7", stdout=io.StringIO())

    assert SecurityEvent.objects.count() == 0


def test_the_table_stays_append_only_after_a_prune(world):
    call_command("prune_security_log", stdout=io.StringIO())
    event = security_log.record(Kind.SIGNED_IN, user=world.admin)

    with pytest.raises(DatabaseError), transaction.atomic():
        SecurityEvent.objects.filter(pk=event.pk).delete()


# The page


def test_the_administrator_sees_the_firms_events_newest_first(world, client_for):
    at = timezone.make_aware(datetime.datetime(2026, 11, 26, 14, 5))
    event_at(world.company, Kind.SIGN_IN_FAILED, at, user=world.employee, ip_address="10.0.0.7")
    event_at(
        world.company,
        Kind.ROLE_CHANGED,
        at + datetime.timedelta(hours=1),
        user=world.employee,
        actor=world.admin,
        detail={"old": "employee", "new": "moderator"},
    )
    event_at(world.other_company, Kind.SIGNED_IN, at, user=world.other_admin)

    response = client_for(world.admin).get(LOG)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Sikkerhetslogg" in page
    rows = [event.kind for event, _ in response.context["rows"]]
    # Signing in to read it is the newest event.
    assert rows == [Kind.SIGNED_IN, Kind.ROLE_CHANGED, Kind.SIGN_IN_FAILED]
    assert "26.11.2026 15:05" in page  # the house format, Oslo time
    assert "Ansatt → Moderator" in page
    assert "10.0.0.7" in page
    assert "Ola Nilsen" not in page


def test_another_firms_administrator_sees_only_their_own_firms_log(world, client_for):
    security_log.record(Kind.SIGN_IN_FAILED, user=world.employee, detail={"email": "x@demo.no"})

    response = client_for(world.other_admin).get(LOG)

    assert response.status_code == 200
    assert all(event.company == world.other_company for event, _ in response.context["rows"])
    assert "x@demo.no" not in response.content.decode()


@pytest.mark.parametrize("actor", ["moderator", "employee"])
def test_moderators_and_employees_may_not_see_the_log(world, client_for, actor):
    assert client_for(world.user(actor)).get(LOG).status_code == 403


def test_the_employee_list_links_to_the_log_for_the_administrator(world, client_for):
    page = client_for(world.admin).get(reverse("accounts:users")).content.decode()

    assert f'href="{LOG}"' in page


def test_the_log_filters_by_kind_and_by_user(world, client_for):
    security_log.record(Kind.SIGN_IN_FAILED, user=world.employee)
    security_log.record(Kind.ROLE_CHANGED, user=world.employee2, actor=world.admin)
    security_log.record(Kind.EXPORTED, user=None, actor=world.moderator)
    client = client_for(world.admin)

    def kinds(**query):
        return {event.kind for event, _ in client.get(LOG, query).context["rows"]}

    assert kinds(kind=Kind.SIGN_IN_FAILED) == {Kind.SIGN_IN_FAILED}
    assert kinds(user=world.employee2.pk) == {Kind.ROLE_CHANGED}
    # A user's events are those they did as well as those that concern them.
    assert kinds(user=world.admin.pk) >= {Kind.ROLE_CHANGED}
    assert Kind.EXPORTED in kinds(user=world.moderator.pk)
    assert kinds(kind=Kind.ROLE_CHANGED, user=world.employee.pk) == set()


def test_an_invalid_filter_is_shown_and_ignored(world, client_for):
    security_log.record(Kind.SIGNED_IN, user=world.employee)

    response = client_for(world.admin).get(LOG, {"kind": "nonsense", "user": "abc"})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"kind", "user"}
    assert response.context["rows"]


def test_another_firms_user_is_no_filter_choice(world, client_for):
    response = client_for(world.admin).get(LOG, {"user": world.other_admin.pk})

    assert "user" in response.context["form"].errors


def test_the_log_pages_and_keeps_its_filters(world, client_for):
    at = timezone.now() - datetime.timedelta(days=1)
    for _ in range(55):
        event_at(world.company, Kind.SIGN_IN_FAILED, at, user=world.employee)

    response = client_for(world.admin).get(LOG, {"kind": Kind.SIGN_IN_FAILED})

    assert len(response.context["rows"]) == 50
    assert "kind=sign_in_failed&amp;page=2" in response.content.decode()
    second = client_for(world.admin).get(LOG, {"kind": Kind.SIGN_IN_FAILED, "page": 2})
    assert len(second.context["rows"]) == 5


def test_the_page_is_in_english_for_a_user_who_chose_english(world, client_for):
    world.admin.language = "en"
    world.admin.save()
    security_log.record(Kind.LOCKED_OUT, user=world.employee)

    page = client_for(world.admin).get(LOG).content.decode()

    assert "Security log" in page
    assert "Locked out" in page


def test_the_pages_query_count_does_not_grow_with_its_rows(world, client_for):
    client = client_for(world.admin)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LOG).status_code == 200
        return len(captured)

    security_log.record(Kind.SIGNED_IN, user=world.employee)
    few = queries()
    for user in [world.admin, world.moderator, world.employee2] * 10:
        security_log.record(Kind.ROLE_CHANGED, user=user, actor=world.admin, detail={"new": "x"})

    assert queries() == few


# The Django admin


def test_platform_staff_read_the_log_in_the_django_admin_and_cannot_change_it(world):
    staff = UserFactory(company=None, is_staff=True, is_superuser=True, password=make_password("x"))
    event = security_log.record(Kind.SIGNED_IN, user=world.admin)
    client = Client()
    client.force_login(staff)

    listing = client.get(reverse("admin:accounts_securityevent_changelist"))
    detail = client.get(reverse("admin:accounts_securityevent_change", args=[event.pk]))
    delete = client.post(reverse("admin:accounts_securityevent_delete", args=[event.pk]))

    assert listing.status_code == 200
    assert "Ingrid Berg" in listing.content.decode()
    assert detail.status_code == 200
    assert not re.search(r'name="kind"', detail.content.decode())
    assert delete.status_code == 403
    assert client.get(reverse("admin:accounts_securityevent_add")).status_code == 403

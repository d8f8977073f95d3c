"""Sessions end after an idle period and after an absolute lifetime, and at once when
a user is deactivated, changes role or gets a new password."""

import datetime
import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.models import Session
from accounts.permissions import Role
from accounts.sessions import LOGIN_AT

from .admin_forms import change_form_data
from .factories import PASSWORD, UserFactory

LOGIN = reverse("accounts:login")
HOME = reverse("home")
DAY = 24 * 60 * 60
NEW_PASSWORD = "Grus-og-Sement-2026"


def logged_in(client):
    return client.get(HOME).status_code == 200


def expiry_of(user):
    return Session.objects.get(user=user).expire_date


def test_by_default_a_session_lasts_fourteen_days_idle_and_thirty_days_at_most():
    assert settings.SESSION_IDLE_TIMEOUT == 14 * DAY
    assert settings.SESSION_ABSOLUTE_TIMEOUT == 30 * DAY
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_TIMEOUT


def test_a_session_records_its_user(world, client_for):
    client_for(world.employee)

    assert Session.objects.filter(user=world.employee).count() == 1


def test_a_session_left_alone_for_the_idle_timeout_ends(world, clock, client_for):
    client = client_for(world.employee)

    clock.advance(days=14, minutes=1)

    assert not logged_in(client)


def test_working_keeps_a_session_alive_past_the_idle_timeout(world, clock, client_for):
    client = client_for(world.employee)

    for _ in range(3):
        clock.advance(days=9)
        assert logged_in(client)


def test_the_expiry_is_pushed_on_at_most_once_an_hour(world, clock, client_for):
    client = client_for(world.employee)
    logged_in_until = expiry_of(world.employee)

    clock.advance(minutes=59)
    logged_in(client)
    assert expiry_of(world.employee) == logged_in_until

    clock.advance(minutes=2)
    logged_in(client)
    pushed = datetime.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT)
    assert expiry_of(world.employee) == clock.now + pushed
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == settings.SESSION_IDLE_TIMEOUT


def test_a_session_ends_thirty_days_after_logging_in_however_busy(world, clock, client_for):
    client = client_for(world.employee)
    for _ in range(3):
        clock.advance(days=10)
        assert logged_in(client)

    clock.advance(minutes=1)
    response = client.get(HOME, follow=True)

    assert response.redirect_chain[-1][0] == f"{LOGIN}?next={HOME}"
    assert "Økten din er utløpt. Logg inn på nytt." in response.content.decode()
    assert not Session.objects.filter(user=world.employee).exists()
    client.post(LOGIN, {"username": world.employee.email, "password": PASSWORD})
    assert logged_in(client)


def test_a_session_made_without_logging_in_counts_as_expired(world, client_for):
    client = client_for(world.employee)
    session = client.session
    session.pop(LOGIN_AT)
    session.save()

    assert not logged_in(client)


def test_a_reactivated_user_must_log_in_again(world, client_for):
    client = client_for(world.employee)

    services.user_set_active(user=world.employee, by=world.admin, active=False)
    services.user_set_active(user=world.employee, by=world.admin, active=True)

    assert not logged_in(client)
    assert not Session.objects.filter(user=world.employee).exists()


def test_a_role_change_ends_the_users_sessions_only(world, client_for):
    client, colleague = client_for(world.employee), client_for(world.employee2)

    services.user_update(
        user=world.employee, by=world.admin, name="Per Hansen", phone="", role=Role.MODERATOR
    )

    assert not logged_in(client)
    assert logged_in(colleague)


def test_saving_a_user_without_changing_the_role_keeps_their_sessions(world, client_for):
    client = client_for(world.employee)

    services.user_update(
        user=world.employee, by=world.admin, name="Per Olav Hansen", phone="", role=Role.EMPLOYEE
    )

    assert logged_in(client)


@pytest.fixture
def staff(db):
    return UserFactory(company=None, is_staff=True, is_superuser=True, name="Plattform")


@pytest.mark.parametrize("change", [{"is_active": ""}, {"role": Role.ADMIN}])
def test_deactivating_or_promoting_a_user_in_the_admin_ends_their_sessions(
    world, staff, client_for, change
):
    client = client_for(world.employee)
    url = reverse("admin:accounts_user_change", args=[world.employee.pk])
    admin = client_for(staff)

    response = admin.post(url, change_form_data(admin, url, **change))

    assert response.status_code == 302
    assert not Session.objects.filter(user=world.employee).exists()
    assert not logged_in(client)


def test_a_password_change_ends_the_users_other_sessions_at_once(world, client_for):
    phone, pc = client_for(world.admin), client_for(world.admin)

    pc.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert [s.session_key for s in Session.objects.filter(user=world.admin)] == [
        pc.session.session_key
    ]
    assert logged_in(pc)
    assert not logged_in(phone)


def test_a_password_reset_ends_every_session_of_the_user_at_once(world, client_for):
    open_session = client_for(world.employee)
    Client().post(reverse("accounts:password_reset"), {"email": world.employee.email})
    link = re.search(r"http://testserver(/\S+)", mail.outbox[0].body).group(1)
    client = Client()
    form_page = client.get(link, follow=True)

    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert not Session.objects.filter(user=world.employee).exists()
    assert not logged_in(open_session)

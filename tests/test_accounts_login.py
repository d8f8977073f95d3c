"""Logging in and out: the real form, django-axes throttling, inactive users."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts import services

from .factories import PASSWORD

LOGIN = reverse("accounts:login")


def log_in(client, email, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": email, "password": password}, **extra)


def is_logged_in(client):
    return client.get(reverse("home")).status_code == 200


def test_login_page_asks_for_e_post_and_passord_in_norwegian(db):
    response = Client().get(LOGIN)

    assert response.status_code == 200
    content = response.content.decode()
    assert "E-post" in content
    assert "Passord" in content
    assert "Logg inn" in content


def test_login_page_ignores_the_browsers_accept_language(db):
    response = Client().get(LOGIN, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")

    assert "Logg inn" in response.content.decode()
    assert response["Content-Language"] == "nb"


def test_user_logs_in_with_email_and_lands_on_the_start_page(world):
    client = Client()

    response = log_in(client, world.admin.email)

    assert response.status_code == 302
    assert response["Location"] == reverse("start")
    assert client.get(reverse("start"))["Location"] == reverse("home")
    page = client.get(reverse("home")).content.decode()
    assert "Hei, Ingrid" in page
    assert "Demo Bygg AS" in page


def test_an_employee_lands_on_mine_timer_after_signing_in(world):
    client = Client()

    response = log_in(client, world.employee.email, follow=True)

    assert response.redirect_chain[-1][0] == reverse("timesheets:week")
    assert "Mine timer" in response.content.decode()


def test_a_moderator_lands_on_the_start_page_after_signing_in(world):
    response = log_in(Client(), world.moderator.email, follow=True)

    assert response.redirect_chain[-1][0] == reverse("home")


def test_email_is_not_case_sensitive(world):
    client = Client()

    log_in(client, world.admin.email.upper())

    assert is_logged_in(client)


def test_login_follows_next_within_the_site_only(world):
    client = Client()
    response = client.post(
        LOGIN,
        {"username": world.admin.email, "password": PASSWORD, "next": "/accounts/profile/"},
    )
    assert response["Location"] == "/accounts/profile/"

    other = Client()
    response = other.post(
        LOGIN,
        {"username": world.admin.email, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("start")


def test_wrong_password_shows_a_message_and_logs_nobody_in(world):
    client = Client()

    response = log_in(client, world.admin.email, "wrong-password")

    assert response.status_code == 422
    assert "Feil e-post eller passord." in response.content.decode()
    assert not is_logged_in(client)


def test_empty_login_form_shows_errors_next_to_the_fields(db):
    response = Client().post(LOGIN, {"username": "", "password": ""})

    assert response.status_code == 422
    assert response.context["form"].errors.keys() == {"username", "password"}


def test_inactive_user_cannot_log_in(world):
    world.employee.is_active = False
    world.employee.save()
    client = Client()

    response = log_in(client, world.employee.email)

    assert response.status_code == 422
    assert not is_logged_in(client)


def test_deactivated_user_loses_an_open_session(world, client_for):
    client = client_for(world.employee)
    assert is_logged_in(client)

    services.user_set_active(user=world.employee, by=world.admin, active=False)

    assert not is_logged_in(client)


def test_session_key_changes_when_logging_in(world):
    client = Client()
    session = client.session
    session["seen"] = True
    session.save()
    before = session.session_key

    log_in(client, world.admin.email)

    assert client.session.session_key != before
    assert is_logged_in(client)


def test_repeated_failed_logins_lock_out_even_the_right_password(world):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, world.admin.email, "wrong-password")

    response = log_in(client, world.admin.email)

    assert response.status_code == 429
    assert "For mange mislykkede forsøk" in response.content.decode()
    assert not is_logged_in(client)


def test_lockout_leaves_other_users_from_the_same_address_alone(world):
    attacker = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(attacker, world.admin.email, "wrong-password")
    colleague = Client()

    log_in(colleague, world.moderator.email)

    assert is_logged_in(colleague)


def test_a_successful_login_resets_the_failure_count(world):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, world.admin.email, "wrong-password")
    log_in(client, world.admin.email)
    client.post(reverse("accounts:logout"))

    log_in(client, world.admin.email, "wrong-password")
    log_in(client, world.admin.email)

    assert is_logged_in(client)


def test_logout_logs_out_and_returns_to_the_login_page(world, client_for):
    client = client_for(world.admin)

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert not is_logged_in(client)


def test_logout_refuses_get(world, client_for):
    client = client_for(world.admin)

    assert client.get(reverse("accounts:logout")).status_code == 405
    assert is_logged_in(client)


def test_logout_with_an_expired_session_still_ends_on_the_login_page(db):
    response = Client().post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response["Location"] == LOGIN


@pytest.mark.parametrize("actor", ["admin", "moderator", "employee", "other_admin"])
def test_logged_in_user_opening_login_goes_to_the_start_page(world, client_for, actor):
    response = client_for(world.user(actor)).get(LOGIN)

    assert response.status_code == 302
    assert response["Location"] == reverse("start")


def test_a_lockout_holds_for_the_address_in_any_spelling(world):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, world.admin.email, "wrong-password")

    response = log_in(client, world.admin.email.upper())

    assert response.status_code == 429
    assert not is_logged_in(client)
    assert log_in(Client(), world.admin.email).status_code == 429  # the lock was not cleared


def test_every_spelling_of_an_address_counts_towards_the_same_lockout(world):
    email = world.admin.email
    spellings = [email, email.upper(), email.capitalize(), f"  {email.title()}  ", email.swapcase()]
    client = Client()
    for spelling in spellings[: settings.AXES_FAILURE_LIMIT]:
        log_in(client, spelling, "wrong-password")

    response = log_in(client, email)

    assert response.status_code == 429
    assert not is_logged_in(client)


def test_a_lookalike_address_with_a_dotless_i_logs_nobody_in(world):
    world.admin.email = "admin@demo.no"
    world.admin.save()
    client = Client()

    response = log_in(client, "adm\u0131n@demo.no")  # "admın", dotless ı

    assert response.status_code == 422
    assert not is_logged_in(client)

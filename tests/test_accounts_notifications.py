"""A user hears by e-mail when their sign-in changes (a new password, two-factor sign-in
on, off or reset), so a change they did not make does not go unnoticed."""

from smtplib import SMTPException
from unittest import mock

from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts import services

from .factories import PASSWORD, UserFactory
from .test_accounts_password import NEW_PASSWORD, choose_password, link_in
from .test_two_factor import app_of, code_for


def mails_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def change_password(client):
    return client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )


def test_a_password_change_is_told_by_email_in_the_users_language(world, client_for):
    change_password(client_for(world.admin))

    (told,) = mails_to(world.admin)
    assert told.subject == "Innloggingen din i Svenn er endret"
    assert "Passordet ditt er endret." in told.body
    assert "Hvis dette ikke var deg" in told.body
    assert PASSWORD not in told.body and NEW_PASSWORD not in told.body


def test_an_english_user_is_told_in_english(world, client_for):
    world.admin.language = "en"
    world.admin.save()

    change_password(client_for(world.admin))

    (told,) = mails_to(world.admin)
    assert "Your password has been changed." in told.body


def test_a_password_reset_is_told_but_a_welcome_links_first_password_is_not(world):
    Client().post(reverse("accounts:password_reset"), {"email": world.employee.email})
    choose_password(link_in(mail.outbox[-1]))

    assert "Passordet ditt ble satt fra en lenke på e-post." in mails_to(world.employee)[-1].body

    newcomer = services.user_create(
        company=world.company, by=world.admin, email="ny@demo.no", name="Nina Ny"
    )
    Client().post(reverse("accounts:password_reset"), {"email": newcomer.email})
    choose_password(link_in(mail.outbox[-1]))

    assert len(mails_to(newcomer)) == 1  # only the link itself


def test_two_factor_on_off_and_an_administrators_reset_are_told(world, client_for):
    client = client_for(world.employee)
    device = client.get(reverse("accounts:two_factor_setup")).context["enrolment"].device
    client.post(reverse("accounts:two_factor_setup"), {"code": code_for(device)})
    client.post(reverse("accounts:two_factor_disable"), {"off-confirm": PASSWORD})
    app_of(world.employee)
    client_for(world.admin).post(
        reverse("accounts:user_two_factor_reset", args=[world.employee.pk])
    )

    bodies = [m.body for m in mails_to(world.employee)]
    assert "Tofaktorautentisering ble slått på." in bodies[0]
    assert "Tofaktorautentisering ble slått av." in bodies[1]
    assert "En administrator tilbakestilte tofaktorautentiseringen din" in bodies[2]


def test_a_mail_server_that_fails_does_not_undo_the_change(world, client_for):
    with mock.patch("accounts.notifications.send_mail", side_effect=SMTPException):
        response = change_password(client_for(world.admin))

    assert response.status_code == 302
    world.admin.refresh_from_db()
    assert world.admin.check_password(NEW_PASSWORD)


def test_nobody_else_is_told(world, client_for):
    other = UserFactory(company=world.company)

    change_password(client_for(world.admin))

    assert mails_to(other) == []

"""Changing a password, and choosing one from an e-mailed link (reset and invitation)."""

import re

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from accounts import services

from .factories import PASSWORD, UserFactory

NEW_PASSWORD = "Grus-og-Sement-2026"
RESET = reverse("accounts:password_reset")


def link_in(message):
    return re.search(r"http://testserver(/\S+)", message.body).group(1)


def can_log_in(email, password):
    client = Client()
    client.post(reverse("accounts:login"), {"username": email, "password": password})
    return client.get(reverse("home")).status_code == 200


def choose_password(link, password=NEW_PASSWORD):
    """Follow a set-password link (Django redirects it to a token-less URL first)."""
    client = Client()
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": password, "new_password2": password},
    )
    return response


def test_password_change_needs_the_old_password(world, client_for):
    response = client_for(world.admin).post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 422
    assert "old_password" in response.context["form"].errors
    assert can_log_in(world.admin.email, PASSWORD)


def test_password_change_keeps_the_user_logged_in_and_takes_effect(world, client_for):
    client = client_for(world.admin)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )

    assert "Passordet ditt er endret." in response.content.decode()
    assert client.get(reverse("home")).status_code == 200
    assert can_log_in(world.admin.email, NEW_PASSWORD)
    assert not can_log_in(world.admin.email, PASSWORD)


def logged_in(client):
    return client.get(reverse("home")).status_code == 200


def test_password_change_logs_out_the_users_other_sessions(world, client_for):
    phone, pc = Client(), Client()
    for client in (phone, pc):
        client.post(
            reverse("accounts:login"), {"username": world.admin.email, "password": PASSWORD}
        )
    colleague = client_for(world.moderator)
    assert logged_in(phone) and logged_in(pc)
    before = pc.session.session_key

    pc.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert logged_in(pc) and pc.session.session_key != before
    assert not logged_in(phone)
    assert logged_in(colleague)


def test_too_weak_new_password_is_refused(world, client_for):
    response = client_for(world.admin).post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )

    assert response.status_code == 422
    assert "new_password2" in response.context["form"].errors


def test_password_reset_mails_a_link_that_sets_a_new_password(world):
    response = Client().post(RESET, {"email": world.employee.email})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.employee.email]
    assert message.subject == "Tilbakestill passordet ditt i Svenn"

    done = choose_password(link_in(message))

    assert done["Location"] == reverse("accounts:password_reset_complete")
    assert can_log_in(world.employee.email, NEW_PASSWORD)


def test_a_password_reset_logs_out_every_open_session(world, client_for):
    open_session = client_for(world.employee)
    Client().post(RESET, {"email": world.employee.email})

    choose_password(link_in(mail.outbox[0]))

    assert not logged_in(open_session)


def test_a_reset_link_works_only_once(world):
    Client().post(RESET, {"email": world.employee.email})
    link = link_in(mail.outbox[0])
    choose_password(link)

    response = Client().get(link, follow=True)

    assert not response.context["validlink"]
    assert "Lenken er ugyldig" in response.content.decode()


def test_reset_mail_is_written_in_the_users_language(world):
    world.employee.language = "en"
    world.employee.save()

    Client().post(RESET, {"email": world.employee.email})

    assert mail.outbox[0].subject == "Reset your Svenn password"


def test_invited_user_without_a_password_gets_a_reset_link(world):
    invited = services.user_create(
        company=world.company, by=world.admin, email="ny@demo.no", name="Nina Ny"
    )
    assert not invited.has_usable_password()

    Client().post(RESET, {"email": "NY@demo.no"})

    assert [m.to for m in mail.outbox] == [["ny@demo.no"]]
    choose_password(link_in(mail.outbox[0]))
    assert can_log_in("ny@demo.no", NEW_PASSWORD)


@pytest.mark.parametrize("email", ["nobody@demo.no", "inactive@demo.no"])
def test_unknown_or_inactive_address_gets_no_mail_and_the_same_answer(world, email):
    UserFactory(company=world.company, email="inactive@demo.no", is_active=False)

    response = Client().post(RESET, {"email": email})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_invalid_reset_form_answers_422(db):
    response = Client().post(RESET, {"email": "not-an-address"})

    assert response.status_code == 422
    assert "email" in response.context["form"].errors
    assert mail.outbox == []


def test_mismatched_new_passwords_are_refused(world):
    Client().post(RESET, {"email": world.employee.email})
    client = Client()
    form_page = client.get(link_in(mail.outbox[0]), follow=True)

    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"},
    )

    assert response.status_code == 422
    assert can_log_in(world.employee.email, PASSWORD)


def change_password(client, password):
    return client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )


def test_a_new_password_needs_twelve_characters_and_the_message_says_why(world, client_for):
    response = change_password(client_for(world.admin), "Grus-og-San")  # 11 characters

    assert response.status_code == 422
    assert (
        "Passordet må ha minst 12 tegn. Lange passord er vanskeligere å gjette."
        in response.context["form"].errors["new_password2"]
    )
    assert can_log_in(world.admin.email, PASSWORD)


@pytest.mark.parametrize("length", [12, 64, 128])
def test_long_passwords_are_accepted_and_work(world, client_for, length):
    password = ("Grus-og-Sement-" * 10)[:length]

    response = change_password(client_for(world.admin), password)

    assert response.status_code == 302
    assert can_log_in(world.admin.email, password)


@pytest.mark.parametrize(
    "password",
    [
        "qwerty123456",  # a common password of twelve characters
        "Ingrid.Berg.1",  # the user's name
        "246813579024",  # only digits
    ],
)
def test_common_numeric_and_personal_passwords_are_refused_however_long(
    world, client_for, password
):
    response = change_password(client_for(world.admin), password)

    assert response.status_code == 422
    assert can_log_in(world.admin.email, PASSWORD)


def test_a_lookalike_address_with_a_dotless_i_gets_no_reset_mail(world):
    world.admin.email = "admin@demo.no"
    world.admin.save()

    response = Client().post(RESET, {"email": "adm\u0131n@demo.no"})  # "admın", dotless ı

    assert response.status_code == 302
    assert mail.outbox == []


def reset(email, address="127.0.0.1", **headers):
    return Client(REMOTE_ADDR=address, **headers).post(RESET, {"email": email})


def test_an_address_gets_at_most_three_reset_mails_an_hour_however_it_is_spelt(world, clock):
    email = world.employee.email
    spellings = [email, email.upper(), f" {email.title()} ", email.capitalize(), email.swapcase()]

    answers = [reset(spelling) for spelling in spellings * 2]

    assert len(mail.outbox) == 3
    assert {(answer.status_code, answer["Location"]) for answer in answers} == {
        (302, reverse("accounts:password_reset_done"))
    }
    clock.advance(hours=1)
    reset(email)
    assert len(mail.outbox) == 4


def test_the_reset_limit_of_one_address_leaves_other_addresses_alone(world):
    for _ in range(5):
        reset(world.employee.email)

    reset(world.employee2.email)

    assert [message.to for message in mail.outbox[3:]] == [[world.employee2.email]]


def test_one_client_address_may_ask_for_twenty_resets_an_hour(world, clock):
    for n in range(20):
        reset(f"nobody{n}@demo.no", "203.0.113.7")

    throttled = reset(world.employee.email, "203.0.113.7")
    assert mail.outbox == []
    assert throttled.status_code == 302
    assert throttled["Location"] == reverse("accounts:password_reset_done")

    reset(world.employee.email, "198.51.100.1")
    assert len(mail.outbox) == 1
    clock.advance(hours=1)
    reset(world.employee.email, "203.0.113.7")
    assert len(mail.outbox) == 2


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_client_address_comes_from_the_proxys_forwarded_for(world):
    proxy = "10.0.0.1"
    for n in range(20):
        reset(f"nobody{n}@demo.no", proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")

    # An address the client made up in front of the proxy's own entry changes nothing.
    reset(world.employee.email, proxy, HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.7")
    assert mail.outbox == []
    reset(world.employee.email, proxy, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert len(mail.outbox) == 1

"""Two-factor sign-in: turning it on with a code from the app, the code step of signing
in, throttled wrong codes, recovery codes, a firm's requirement, an Administrator's
reset and the Django admin's verified session."""

import re
import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import SecurityEvent, UserEvent
from accounts.security_log import Kind

from .factories import PASSWORD, UserFactory

LOGIN = reverse("accounts:login")
LOGIN_CODE = reverse("accounts:login_code")
SETUP = reverse("accounts:two_factor_setup")
HOME = reverse("home")


def code_for(device, steps_ahead=0):
    """The code the user's app shows now (or ``steps_ahead`` periods of 30 s later: a
    code accepted once is not accepted again, the next one is)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def app_of(user):
    return TOTPDevice.objects.create(user=user, name="Svenn", confirmed=True)


def recovery_codes_of(user, *codes):
    device = StaticDevice.objects.create(user=user, name="Svenn", confirmed=True)
    for code in codes:
        StaticToken.objects.create(device=device, token=code)
    return device


def password_step(client, user, **data):
    return client.post(LOGIN, {"username": user.email, "password": PASSWORD, **data})


def signed_in_id(client):
    return client.session.get(SESSION_KEY)


# Turning it on


def test_user_turns_it_on_with_a_code_from_the_app_and_sees_ten_recovery_codes_once(
    world, client_for
):
    client = client_for(world.employee)
    page = client.get(SETUP)
    device = page.context["enrolment"].device

    assert page.status_code == 200
    assert "<svg" in page.text
    assert page.context["enrolment"].secret.replace(" ", "") in page.text.replace(" ", "")
    assert not TOTPDevice.objects.filter(user=world.employee).exists()

    response = client.post(SETUP, {"code": code_for(device)})

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    codes = response.context["codes"]
    assert len(codes) == 10
    assert all(code in response.text for code in codes)
    assert two_factor.has_two_factor(world.employee)
    assert client.get(reverse("accounts:two_factor")).context["codes_left"] == 10
    assert not any(code in client.get(reverse("accounts:two_factor")).text for code in codes)


def test_the_code_that_confirmed_the_app_does_not_also_sign_in(world, client_for, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no wait after the refused code
    client = client_for(world.admin)
    device = client.get(SETUP).context["enrolment"].device
    code = code_for(device)
    client.post(SETUP, {"code": code})
    signing_in = Client()
    password_step(signing_in, world.admin)

    assert signing_in.post(LOGIN_CODE, {"code": code}).status_code == 422
    assert signing_in.post(LOGIN_CODE, {"code": code_for(device, 1)}).status_code == 302


def test_the_set_up_page_keeps_the_secret_until_it_is_confirmed(world, client_for):
    client = client_for(world.employee)

    first = client.get(SETUP).context["enrolment"].secret
    again = client.get(SETUP).context["enrolment"].secret

    assert first == again


def test_a_wrong_code_does_not_turn_it_on(world, client_for):
    client = client_for(world.employee)
    client.get(SETUP)

    response = client.post(SETUP, {"code": "000000"})

    assert response.status_code == 422
    assert "Feil kode" in response.text
    assert not TOTPDevice.objects.filter(user=world.employee).exists()


@pytest.mark.parametrize("code", ["", "12345", "abcdef", "١٢٣٤٥٦", "1" * 21])
def test_set_up_refuses_what_is_not_six_digits_next_to_the_field(world, client_for, code):
    response = client_for(world.employee).post(SETUP, {"code": code})

    assert response.status_code == 422
    assert response.context["form"].errors["code"]


# Signing in


def test_after_the_password_the_user_is_not_signed_in_until_the_code(world):
    app_of(world.admin)
    client = Client()

    response = password_step(client, world.admin)

    assert response.status_code == 302
    assert response["Location"] == LOGIN_CODE
    assert signed_in_id(client) is None
    assert client.get(HOME)["Location"].startswith(LOGIN)
    assert client.get(LOGIN_CODE).status_code == 200


def test_the_right_code_signs_in_and_keeps_the_next_address(world):
    device = app_of(world.admin)
    client = Client()
    password_step(client, world.admin, next="/customers/?q=kari")

    response = client.post(LOGIN_CODE, {"code": code_for(device)})

    assert response.status_code == 302
    assert response["Location"] == "/customers/?q=kari"
    assert signed_in_id(client) == str(world.admin.pk)
    assert client.get(HOME).status_code == 200
    assert two_factor.PENDING not in client.session


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "a b"])
def test_a_next_address_that_is_not_a_path_of_the_site_is_not_followed(world, next_url):
    device = app_of(world.admin)
    client = Client()
    password_step(client, world.admin, next=next_url)

    response = client.post(LOGIN_CODE, {"code": code_for(device)})

    assert response["Location"] == reverse("start")


def test_a_wrong_password_still_answers_422_and_asks_for_no_code(world):
    app_of(world.admin)
    client = Client()

    response = client.post(LOGIN, {"username": world.admin.email, "password": "wrong"})

    assert response.status_code == 422
    assert two_factor.PENDING not in client.session


def test_wrong_codes_are_counted_and_then_throttled_with_a_clear_message(world, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # a wait of a minute, not one second
    device = app_of(world.admin)
    client = Client()
    password_step(client, world.admin)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"

    first = client.post(LOGIN_CODE, {"code": wrong})
    second = client.post(LOGIN_CODE, {"code": code_for(device)})

    assert first.status_code == 422
    assert "Feil kode" in first.text
    # Within the wait the right code is refused too, and the page says how long to wait.
    assert second.status_code == 429
    assert re.search(r"For mange feil koder\. Vent (59|60) sekunder", second.text)
    assert signed_in_id(client) is None
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_after_the_wait_the_right_code_signs_in(world):
    device = app_of(world.admin)
    device.throttling_failure_count = 1
    device.throttling_failure_timestamp = device.created_at.replace(year=2020)
    device.save()
    client = Client()
    password_step(client, world.admin)

    response = client.post(LOGIN_CODE, {"code": code_for(device)})

    assert response.status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_recovery_code_signs_in_once(world):
    app_of(world.admin)
    recovery_codes_of(world.admin, "abcdefgh", "ijklmnop")
    first, second = Client(), Client()
    password_step(first, world.admin)
    password_step(second, world.admin)

    used = first.post(LOGIN_CODE, {"code": "ABCD-EFGH"})
    again = second.post(LOGIN_CODE, {"code": "abcdefgh"})

    assert used.status_code == 302
    assert signed_in_id(first) == str(world.admin.pk)
    assert again.status_code == 422
    assert signed_in_id(second) is None
    assert two_factor.recovery_codes_left(world.admin) == 1


def test_the_code_step_expires_and_the_sign_in_starts_over(world, settings):
    device = app_of(world.admin)
    client = Client()
    password_step(client, world.admin)
    settings.TWO_FACTOR_LOGIN_TIMEOUT = -1

    response = client.post(LOGIN_CODE, {"code": code_for(device)}, follow=True)

    assert response.redirect_chain[0] == (LOGIN, 302)
    assert "tok for lang tid" in response.text
    assert signed_in_id(client) is None


def test_a_user_deactivated_between_password_and_code_is_not_signed_in(world):
    device = app_of(world.employee)
    client = Client()
    password_step(client, world.employee)
    world.employee.is_active = False
    world.employee.save()

    response = client.post(LOGIN_CODE, {"code": code_for(device)})

    assert response["Location"] == LOGIN
    assert signed_in_id(client) is None


def test_the_code_step_without_a_password_goes_to_log_in(db):
    response = Client().post(LOGIN_CODE, {"code": "123456"})

    assert response.status_code == 302
    assert response["Location"] == LOGIN


# Turning it off, new recovery codes


def test_turning_it_off_needs_the_password_or_a_code(world, client_for):
    device = app_of(world.employee)
    client = client_for(world.employee)
    url = reverse("accounts:two_factor_disable")

    refused = client.post(url, {"off-confirm": "not-it"})

    assert refused.status_code == 422
    assert "Feil passord eller kode" in refused.text
    assert two_factor.has_two_factor(world.employee)
    assert client.post(url, {"off-confirm": code_for(device)}).status_code == 302
    assert not TOTPDevice.objects.filter(user=world.employee).exists()


def test_turning_it_off_with_the_password(world, client_for):
    app_of(world.employee)

    response = client_for(world.employee).post(
        reverse("accounts:two_factor_disable"), {"off-confirm": PASSWORD}
    )

    assert response.status_code == 302
    assert not two_factor.has_two_factor(world.employee)


def test_new_recovery_codes_replace_the_old_ones(world, client_for):
    app_of(world.employee)
    recovery_codes_of(world.employee, "abcdefgh")

    response = client_for(world.employee).post(
        reverse("accounts:two_factor_codes"), {"renew-confirm": PASSWORD}
    )

    assert response.status_code == 200
    tokens = set(StaticToken.objects.filter(device__user=world.employee).values_list("token"))
    assert tokens == {(code,) for code in response.context["codes"]}
    assert ("abcdefgh",) not in tokens


# The firm's requirement


def signed_in_with_code(user):
    """A browser signed in as ``user`` through both steps."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    client = Client()
    password_step(client, user)
    client.post(LOGIN_CODE, {"code": code_for(device)})
    assert signed_in_id(client) == str(user.pk)
    return client


def test_administrator_requires_it_for_the_firm_on_the_firma_page(world):
    app_of(world.admin)
    client = signed_in_with_code(world.admin)
    url = reverse("accounts:firm_two_factor")
    assert 'name="require_two_factor"' in client.get(reverse("accounts:firm")).text

    response = client.post(url, {"require_two_factor": "on"})

    assert response.status_code == 302
    world.company.refresh_from_db()
    assert world.company.require_two_factor
    client.post(url, {})
    world.company.refresh_from_db()
    assert not world.company.require_two_factor


def test_an_administrator_without_it_cannot_require_it(world, client_for):
    response = client_for(world.admin).post(
        reverse("accounts:firm_two_factor"), {"require_two_factor": "on"}, follow=True
    )

    assert "Slå på tofaktorautentisering for deg selv først" in response.text
    world.company.refresh_from_db()
    assert not world.company.require_two_factor


def test_a_required_moderator_without_an_app_must_set_it_up_before_anything_else(world, client_for):
    world.company.require_two_factor = True
    world.company.save()
    client = client_for(world.moderator)

    for url in [HOME, reverse("customers:list"), reverse("accounts:profile")]:
        assert client.get(url)["Location"] == SETUP
    assert client.get(SETUP).status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_once_set_up_the_required_moderator_works_as_before(world, client_for):
    world.company.require_two_factor = True
    world.company.save()
    client = client_for(world.moderator)
    device = client.get(SETUP).context["enrolment"].device

    client.post(SETUP, {"code": code_for(device)})

    assert client.get(reverse("customers:list")).status_code == 200


def test_an_htmx_request_of_a_required_user_navigates_to_the_set_up(world, client_for):
    world.company.require_two_factor = True
    world.company.save()

    response = client_for(world.admin).get(
        reverse("customers:list"), headers={"HX-Request": "true"}
    )

    assert response["HX-Redirect"] == SETUP


def test_the_requirement_leaves_employees_alone(world, client_for):
    world.company.require_two_factor = True
    world.company.save()

    assert client_for(world.employee).get(HOME).status_code == 200


def test_a_required_user_with_an_app_but_no_code_this_session_is_asked_for_it(world, client_for):
    world.company.require_two_factor = True
    world.company.save()
    device = app_of(world.admin)
    client = client_for(world.admin)  # a session from before, without a code

    asked = client.get("/customers/?q=kari")
    answered = client.post(asked["Location"], {"code": code_for(device)})

    assert asked["Location"] == f"{LOGIN_CODE}?next=%2Fcustomers%2F%3Fq%3Dkari"
    assert answered["Location"] == "/customers/?q=kari"
    assert client.get(HOME).status_code == 200


# An Administrator's reset


def reset(client, user):
    return client.post(reverse("accounts:user_two_factor_reset", args=[user.pk]))


def test_administrator_resets_a_lost_device_and_the_history_says_who(world, client_for):
    app_of(world.employee)
    recovery_codes_of(world.employee, "abcdefgh")
    client = client_for(world.admin)

    response = reset(client, world.employee)

    assert response.status_code == 302
    assert not two_factor.has_two_factor(world.employee)
    assert not StaticToken.objects.filter(device__user=world.employee).exists()
    event = UserEvent.objects.filter(pgh_obj=world.employee).last()
    assert event.two_factor_reset_at is not None
    assert event.pgh_context["user"] == world.admin.pk
    page = client.get(reverse("accounts:user_update", args=[world.employee.pk])).text
    assert "Tofaktorautentisering tilbakestilt" in page
    assert "Ingrid Berg" in page


@pytest.mark.parametrize(("actor", "status"), [("moderator", 403), ("employee", 403)])
def test_only_an_administrator_may_reset(world, client_for, actor, status):
    app_of(world.employee2)

    assert reset(client_for(world.user(actor)), world.employee2).status_code == status
    assert two_factor.has_two_factor(world.employee2)


def test_another_firms_administrator_cannot_find_the_user_to_reset(world, client_for):
    app_of(world.employee)

    assert reset(client_for(world.other_admin), world.employee).status_code == 404
    assert two_factor.has_two_factor(world.employee)


# The Django admin


@pytest.fixture
def staff(db):
    return UserFactory(company=None, is_staff=True, is_superuser=True, name="Plattform")


def test_the_admin_refuses_a_staff_session_signed_in_without_a_code(staff, settings):
    settings.ADMIN_REQUIRE_2FA = True
    app_of(staff)
    client = Client()
    client.force_login(staff)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_CODE)


def test_staff_without_an_app_must_set_one_up_for_the_admin(staff, settings):
    settings.ADMIN_REQUIRE_2FA = True
    client = Client()
    client.force_login(staff)

    assert client.get(reverse("admin:index"))["Location"] == SETUP


def test_the_admin_opens_for_staff_signed_in_with_a_code(staff, settings):
    settings.ADMIN_REQUIRE_2FA = True
    device = app_of(staff)
    client = Client()
    password_step(client, staff, next=reverse("admin:index"))

    signed_in = client.post(LOGIN_CODE, {"code": code_for(device)})

    assert signed_in["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_admins_own_login_sends_staff_to_the_sign_in_with_a_code(db, settings):
    settings.ADMIN_REQUIRE_2FA = True

    response = Client().get(reverse("admin:login"), {"next": "/admin/"})

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/admin/"


def test_a_firm_user_in_the_admin_is_told_so_not_sent_round_in_circles(world, settings):
    settings.ADMIN_REQUIRE_2FA = True
    client = Client()
    client.force_login(world.admin)

    sent = client.get(reverse("admin:index"))
    told = client.get(sent["Location"])

    assert sent["Location"].startswith(reverse("admin:login"))
    assert told.status_code == 200


def test_staff_see_the_devices_in_the_admin_without_their_secrets(world, staff, client_for):
    device = app_of(world.employee)
    client = client_for(staff)

    listing = client.get(reverse("admin:otp_totp_totpdevice_changelist"))
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))

    assert listing.status_code == 200
    assert world.employee.name in listing.text
    assert device.key not in page.text


# The security log


def logged(user, kind):
    return list(
        SecurityEvent.objects.filter(user=user, kind=kind).values_list("actor_id", "detail")
    )


def test_turning_it_on_and_off_is_in_the_security_log(world, client_for):
    client = client_for(world.employee)
    device = client.get(SETUP).context["enrolment"].device
    client.post(SETUP, {"code": code_for(device)})
    client.post(reverse("accounts:two_factor_disable"), {"off-confirm": PASSWORD})

    assert logged(world.employee, Kind.TWO_FACTOR_ENABLED) == [(world.employee.pk, {})]
    assert logged(world.employee, Kind.TWO_FACTOR_DISABLED) == [(world.employee.pk, {})]


def test_a_wrong_code_and_a_recovery_code_at_sign_in_are_in_the_security_log(world):
    app_of(world.admin)
    recovery_codes_of(world.admin, "abcdefgh")
    client = Client()
    password_step(client, world.admin)

    client.post(LOGIN_CODE, {"code": "000000"})
    client.post(LOGIN_CODE, {"code": "abcdefgh"})

    assert logged(world.admin, Kind.SIGN_IN_FAILED) == [(world.admin.pk, {"step": "code"})]
    assert logged(world.admin, Kind.RECOVERY_CODE_USED) == [(world.admin.pk, {})]


def test_an_administrators_reset_is_in_the_security_log_with_who_did_it(world, client_for):
    app_of(world.employee)

    reset(client_for(world.admin), world.employee)

    assert logged(world.employee, Kind.TWO_FACTOR_RESET) == [(world.admin.pk, {})]

"""Turning on two-factor sign-in on a 390 px phone and signing in with a code."""

import base64
import time

from django_otp.oath import TOTP
from playwright.sync_api import expect

from .conftest import PHONE, log_out


def app_code(secret, steps_ahead=0):
    """What an authenticator app shows for ``secret`` (a code is accepted once, so the
    sign-in after the set-up uses the next period's)."""
    totp = TOTP(base64.b32decode(secret.replace(" ", "")))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def test_employee_turns_on_two_factor_and_signs_in_with_a_code(demo, page, login, live_server, axe):
    page.set_viewport_size(PHONE)
    login("ansatt@demo.no")
    page.goto(f"{live_server.url}/accounts/profile/")
    page.get_by_role("link", name="Tofaktorautentisering").click()
    page.get_by_role("link", name="Slå på tofaktorautentisering").click()

    expect(page.get_by_role("img", name="QR-kode for autentiseringsappen")).to_be_visible()
    axe(page)
    secret = page.locator("code.secret").inner_text()
    page.get_by_label("Kode fra appen").fill(app_code(secret))
    page.get_by_role("button", name="Slå på").click()

    expect(page.get_by_role("heading", name="Gjenopprettingskoder")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    axe(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    log_out(page)
    login("ansatt@demo.no")
    expect(page.get_by_role("heading", name="Skriv inn koden")).to_be_visible()
    axe(page)
    page.get_by_label("Kode").fill(app_code(secret, steps_ahead=1))
    page.get_by_role("button", name="Logg inn").click()

    # An Ansatt lands on "Mine timer".
    expect(page.get_by_role("heading", name="Mine timer")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/timesheets/")

"""What a signed-in user is sent is never stored by a browser or proxy cache, and the
deploy checks pass under the production settings."""

import os
import runpy
import secrets
from pathlib import Path

import pytest
from django.conf import settings
from django.core import checks
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.cache import get_max_age

from .factories import PASSWORD

SETTINGS_FILE = Path(__file__).resolve().parent.parent / "svenn" / "settings.py"


def cache_control(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


@pytest.mark.parametrize(
    "url, headers",
    [
        (reverse("home"), {}),
        (reverse("customers:list") + "?q=kari", {"HTTP_HX_REQUEST": "true"}),
        (reverse("timesheets:export_csv"), {}),
        (reverse("timesheets:export_xlsx"), {}),
        ("/no-such-page/", {}),
    ],
    ids=["page", "htmx fragment", "csv export", "xlsx export", "not found"],
)
def test_nothing_sent_to_a_signed_in_user_may_be_stored(world, client_for, url, headers):
    response = client_for(world.admin).get(url, **headers)

    assert "no-store" in cache_control(response)


def test_the_redirect_after_saving_a_form_is_not_stored(world, client_for):
    response = client_for(world.admin).post(
        reverse("accounts:profile"), {"name": "Ingrid Berg", "phone": "", "language": "nb"}
    )

    assert response.status_code == 302
    assert "no-store" in cache_control(response)


def test_the_answer_to_logging_in_is_not_stored(world):
    response = Client().post(
        reverse("accounts:login"), {"username": world.admin.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert "no-store" in cache_control(response)


def test_the_answer_to_logging_out_is_not_stored(world, client_for):
    response = client_for(world.admin).post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert "no-store" in cache_control(response)


def test_static_files_keep_their_caching_for_signed_in_users(world, client_for):
    response = client_for(world.admin).get(settings.STATIC_URL + "css/svenn.css")

    assert response.status_code == 200
    assert "no-store" not in cache_control(response)
    assert get_max_age(response) > 0


@pytest.fixture
def production_settings(monkeypatch):
    """The values svenn/settings.py computes in production (DEBUG off, a real secret
    key, a host name), where they differ from the test run's; the test database stays.
    The test process's own switches (the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE) are
    left out, as production has none of them."""
    for name in ("SVENN_TESTING", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "SECURE_SSL_REDIRECT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(64))
    monkeypatch.setenv("ALLOWED_HOSTS", "svenn.example.no")
    monkeypatch.setenv("CSRF_TRUSTED_ORIGINS", "https://svenn.example.no")
    assert "SVENN_TESTING" not in os.environ
    production = runpy.run_path(str(SETTINGS_FILE))
    return {
        name: value
        for name, value in production.items()
        if name.isupper() and name != "DATABASES" and getattr(settings, name, None) != value
    }


def test_the_deploy_checks_pass_under_production_settings(production_settings):
    assert production_settings["SESSION_COOKIE_SECURE"] is True

    with override_settings(**production_settings):
        found = checks.run_checks(include_deployment_checks=True)

    assert [str(message) for message in found if message.level >= checks.WARNING] == []

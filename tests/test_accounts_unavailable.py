"""While the database is unreachable, pages answer 503 "try again", never a 500."""

from unittest import mock

import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.test import Client, override_settings
from django.urls import reverse

MIDDLEWARE = "core.middleware.DatabaseUnavailableMiddleware"


@pytest.fixture
def with_middleware():
    """The middleware right after AuthenticationMiddleware, as in production."""
    middleware = [name for name in settings.MIDDLEWARE if name != MIDDLEWARE]
    middleware.insert(
        middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        MIDDLEWARE,
    )
    with override_settings(MIDDLEWARE=middleware):
        yield


def assert_try_again_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Prøv igjen om litt" in response.content.decode()


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_database_down_while_loading_the_session_answers_503(
    world, client_for, with_middleware, error
):
    client = client_for(world.admin)
    load = "django.contrib.sessions.backends.db.SessionStore.load"

    with mock.patch(load, side_effect=error("connection refused")):
        response = client.get(reverse("home"))

    assert_try_again_page(response)


def test_database_down_inside_a_view_answers_503(world, client_for, with_middleware):
    client = client_for(world.admin)

    with mock.patch("accounts.selectors.users_of_company", side_effect=OperationalError("gone")):
        response = client.get(reverse("accounts:users"))

    assert_try_again_page(response)


def test_database_error_that_reaches_the_500_handler_still_answers_503(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.admin)

    with mock.patch("accounts.selectors.users_of_company", side_effect=OperationalError("gone")):
        response = client.get(reverse("accounts:users"))

    assert_try_again_page(response)


def test_other_errors_still_answer_500(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.admin)

    with mock.patch("accounts.selectors.users_of_company", side_effect=ValueError("bug")):
        response = client.get(reverse("accounts:users"))

    assert response.status_code == 500
    assert "Noe gikk galt" in response.content.decode()

"""Bench-only code is reachable only under the benchmark's own settings module."""

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import NoReverseMatch, clear_url_caches, reverse


def test_the_floor_view_and_query_counter_are_not_in_the_apps_settings(world, client_for):
    assert not any("bench" in name for name in settings.MIDDLEWARE)
    with pytest.raises(NoReverseMatch):
        reverse("bench_floor")
    response = client_for(world.admin).get("/bench/floor/")
    assert response.status_code == 404
    assert "X-Queries" not in response


@pytest.fixture
def bench_settings():
    from bench import settings as bench

    names = ("ROOT_URLCONF", "MIDDLEWARE")
    with override_settings(**{name: getattr(bench, name) for name in names}):
        clear_url_caches()
        yield
    clear_url_caches()


def test_under_bench_settings_the_floor_checks_the_role_like_the_customer_list(
    world, client_for, bench_settings
):
    assert client_for(world.employee).get("/bench/floor/").status_code == 403
    response = client_for(world.admin).get("/bench/floor/")
    assert response.status_code == 200
    assert int(response["X-Queries"]) > 0

"""Every URL x every role, anonymous and another firm's admin (see tests/matrix)."""

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from . import matrix
from .matrix import ACTORS, ALLOWED, OK

ROUTES = [
    route
    for info in pkgutil.iter_modules(matrix.__path__)
    for route in importlib.import_module(f"{matrix.__name__}.{info.name}").ROUTES
]


def url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # the Django admin has its own (staff-only) access rules
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_is_in_the_matrix():
    listed = {route.name for route in ROUTES}
    missing = sorted(set(url_names()) - listed)
    assert not missing, f"URLs missing from tests/matrix: {missing}"


def check(status, expected, route, actor):
    if expected == OK:
        assert status in ALLOWED, f"{route.name} as {actor}: {status}"
    else:
        assert status == expected, f"{route.name} as {actor}: {status}, expected {expected}"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method}-{r.name}")
def test_route_answers_each_actor_as_the_permission_table_says(route, world, client_for):
    url = reverse(route.name, args=route.url_args(world)) + route.query
    for actor in ACTORS:
        client = client_for(world.user(actor))
        data = route.data(world) if route.data else {}
        response = getattr(client, route.method)(url, data)
        if actor == "anonymous":
            if route.public:
                assert response.status_code in (200, 302), f"{route.name} as anonymous"
            else:
                assert response.status_code == 302, f"{route.name} as anonymous"
                assert reverse("accounts:login") in response["Location"]
            continue
        check(response.status_code, route.expect[actor], route, actor)

"""Every URL x every method x every role, anonymous and another firm's admin (see
tests/matrix)."""

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from . import matrix
from .matrix import ACTORS, METHODS, Route, client_as, mismatch, send, undone

ROUTES = [
    route
    for info in pkgutil.iter_modules(matrix.__path__)
    for route in importlib.import_module(f"{matrix.__name__}.{info.name}").ROUTES
]


def views(resolver=None, namespace=""):
    """(URL name, view) for every named URL but the Django admin's."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # the Django admin has its own (staff-only) access rules
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from views(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern.callback


def is_public(view):
    """What LoginRequiredMiddleware asks: may an anonymous user reach the view?"""
    return not getattr(view, "login_required", True)


def accepted_methods(name, client, world):
    """The methods the view at ``name`` answers with anything but 405."""
    route = next(route for route in ROUTES if route.name == name)
    accepted = set()
    for method in METHODS:
        probe = Route(name, {}, args=route.args, method=method, query=route.query)
        with undone():
            response = send(client, probe, world)
        if response.status_code != 405:
            accepted.add(method)
    return accepted


def test_every_method_every_url_accepts_is_in_the_matrix_and_nothing_else(world):
    listed = {(route.name, route.method) for route in ROUTES}
    named = {route.name for route in ROUTES}
    site = dict(views())
    unlisted = sorted(set(site) - named)
    # Asked by someone who gets past the view's login and role checks: anonymous for a
    # public view (a logged-in user is sent away from the login page whatever the
    # method), else the Administrator.
    anonymous, admin = client_as(None), client_as(world.admin)
    answered = {
        (name, method)
        for name, view in site.items()
        if name in named
        for method in accepted_methods(name, anonymous if is_public(view) else admin, world)
    }

    problems = {
        "URLs missing from tests/matrix": unlisted,
        "methods the site answers, missing from tests/matrix": sorted(answered - listed),
        "methods listed in tests/matrix, answered 405": sorted(listed - answered),
    }
    assert not any(problems.values()), "\n".join(
        f"{problem}: {pairs}" for problem, pairs in problems.items() if pairs
    )


def test_the_matrix_marks_public_exactly_the_views_open_without_login():
    site = dict(views())
    wrong = sorted(
        f"{route.name}: public={route.public}"
        for route in ROUTES
        if route.name in site and route.public != is_public(site[route.name])
    )
    assert not wrong, f"public in tests/matrix disagrees with the view: {wrong}"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method}-{r.name}{r.query}")
def test_route_answers_each_actor_as_the_permission_table_says(route, world):
    wrong = []
    for actor in ACTORS:
        with undone():
            response = send(client_as(world.user(actor)), route, world)
        wrong.append(mismatch(route, actor, response))

    assert not any(wrong), "\n".join(filter(None, wrong))

"""The role x URL matrix: every URL of the site, every method its view accepts, every
role, anonymous and another firm's Administrator. Each app lists its routes in a
module here; tests/test_matrix.py walks them all, and fails for any (URL, method) the
site answers that nobody listed, and for any listed one it does not answer.

``expect`` maps an actor to the status the request must get; ``OK`` stands for the
route's ``ok``: the one status an allowed actor gets (200 a page, 302 a write that
redirects, 422 a refused form). A 302 passes only where ``ok`` says the route
redirects. Anonymous users get ``ok`` on public routes and are sent to log in
everywhere else.

Every request is made as a browser would: writes carry a valid CSRF token (so a POST
is never empty), and each actor's request is undone before the next one's, so a
delete as the Administrator leaves the object for the Moderator's turn.
"""

from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils.crypto import get_random_string

ACTORS = ["anonymous", "admin", "moderator", "employee", "other_admin"]
OK = "ok"
METHODS = ["get", "head", "post", "put", "patch", "delete", "options", "trace"]
UNSAFE = {"post", "put", "patch", "delete"}  # the methods CSRF protection covers
FORM_FIELD_METHODS = {"get", "head", "post"}  # the test client's methods that encode a dict
CSRF_TEMPLATE = "errors/csrf.html"


@dataclass(frozen=True)
class Route:
    name: str
    expect: dict
    args: object = None  # world -> list of URL args
    method: str = "get"
    data: object = None  # world -> POST data
    query: str = ""
    public: bool = False  # reachable without logging in
    ok: int = 200  # what an allowed actor gets

    def url(self, world):
        args = self.args(world) if self.args else []
        return reverse(self.name, args=args) + self.query

    def status_for(self, actor):
        if actor == "anonymous":
            return self.ok if self.public else 302
        expected = self.expect[actor]
        return self.ok if expected == OK else expected


def everyone(other=OK):
    """Every firm user may; another firm's admin gets ``other`` (their own firm's page
    for lists, 404 for an object of ours)."""
    return {"admin": OK, "moderator": OK, "employee": OK, "other_admin": other}


def managers(other=OK):
    """Administrator and Moderator only (GUIDE section 2)."""
    return {"admin": OK, "moderator": OK, "employee": 403, "other_admin": other}


def admins(other=OK):
    return {"admin": OK, "moderator": 403, "employee": 403, "other_admin": other}


def client_as(user):
    """A browser: CSRF is checked, as in production. ``None`` is anonymous."""
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def send(client, route, world, *, csrf_token=True):
    """``route``'s request; a write carries a CSRF token unless ``csrf_token`` is off."""
    data = route.data(world) if route.data else {}
    headers = {}
    if route.method in UNSAFE and csrf_token:
        token = get_random_string(32)
        client.cookies[settings.CSRF_COOKIE_NAME] = token
        data = {"csrfmiddlewaretoken": token, **data}
        headers["X-CSRFToken"] = token  # how htmx sends it, and a PUT's only way
    if route.method in FORM_FIELD_METHODS:
        return getattr(client, route.method)(route.url(world), data, headers=headers)
    return client.generic(route.method.upper(), route.url(world), headers=headers)


@contextmanager
def undone():
    """Whatever the request wrote is rolled back afterwards."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def mismatch(route, actor, response):
    """Why ``response`` is not what ``actor`` must get from ``route`` (None if it is)."""
    expected = route.status_for(actor)
    where = f"{route.method.upper()} {route.name}{route.query} as {actor}"
    if response.status_code != expected:
        return f"{where}: {response.status_code}, expected {expected}"
    sent_to_log_in = response.get("Location", "").startswith(reverse("accounts:login"))
    if actor == "anonymous" and not route.public and not sent_to_log_in:
        return f"{where}: redirected to {response['Location']}, not to log in"
    return None


def refused_as_csrf(response):
    return response.status_code == 403 and CSRF_TEMPLATE in template_names(response)


def template_names(response):
    return {template.name for template in response.templates}

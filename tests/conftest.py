import datetime
import os
from dataclasses import dataclass

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, settings

from accounts.permissions import Role

# Before the factories hash their password: tests/hashers.py says why.
django_settings.PASSWORD_HASHERS = [
    "tests.hashers.CheapArgon2PasswordHasher",
    *django_settings.PASSWORD_HASHERS,
]

from .factories import (  # noqa: E402
    CompanyFactory,
    ContactPersonFactory,
    CustomerFactory,
    ProjectFactory,
    TimeEntryFactory,
    UserFactory,
)

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls
# from that thread are safe here (pytest-playwright's documented workaround).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Property-based tests: a hundred examples per form in `make test`, thousands in
# `make fuzz`. Examples of one test share its database transaction and clients.
for name, examples in [("default", 100), ("fuzz", 3000)]:
    settings.register_profile(
        name,
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def _scopes_disabled_in_test_body():
    """Test set-up and assertions see every firm; requests are still scoped by the
    middleware, which opens its own scope for the request's user."""
    with scopes_disabled():
        yield


@pytest.fixture(autouse=True)
def _queue_emptied_after_transactional_tests(request):
    """A test on a committed database (a real worker's) leaves the queue empty for the
    next: the flush after it passes over procrastinate's tables, which are not
    Django's, and a worker process defers the periodic tasks there (a job of
    core.retry_stalled_jobs, found by the next test that counts the queue's jobs).
    Emptied while the test's database is still open to it: transactional_db, set up
    from here, is torn down after this."""
    if "transactional_db" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE procrastinate_jobs, procrastinate_events, "
            "procrastinate_periodic_defers, procrastinate_workers"
        )


@dataclass
class World:
    """Two firms: ours with one user per role and an object of every kind, and
    another firm with its own admin and objects (which must stay invisible)."""

    company: object
    admin: object
    moderator: object
    employee: object
    employee2: object
    other_company: object
    other_admin: object
    customer: object
    contact: object
    project: object
    entry: object
    other_customer: object
    other_project: object
    other_entry: object

    def user(self, actor):
        return None if actor == "anonymous" else getattr(self, actor)


@pytest.fixture
def world(db):
    company = CompanyFactory(name="Demo Bygg AS")
    other = CompanyFactory(name="Annen Firma AS")
    employee = UserFactory(company=company, role=Role.EMPLOYEE, name="Per Hansen")
    customer = CustomerFactory(company=company, name="Kari Nordmann")
    project = ProjectFactory(company=company, customer=customer, name="Nytt bad")
    other_customer = CustomerFactory(company=other, name="Fremmed Kunde")
    other_project = ProjectFactory(company=other, customer=other_customer)
    other_admin = UserFactory(company=other, role=Role.ADMIN, name="Ola Nilsen")
    return World(
        company=company,
        admin=UserFactory(company=company, role=Role.ADMIN, name="Ingrid Berg"),
        moderator=UserFactory(company=company, role=Role.MODERATOR, name="Lars Moen"),
        employee=employee,
        employee2=UserFactory(company=company, role=Role.EMPLOYEE, name="Sofie Lie"),
        other_company=other,
        other_admin=other_admin,
        customer=customer,
        contact=ContactPersonFactory(customer=customer, name="Kari Kontakt"),
        project=project,
        entry=TimeEntryFactory(user=employee, project=project, customer=customer),
        other_customer=other_customer,
        other_project=other_project,
        other_entry=TimeEntryFactory(
            user=other_admin, project=other_project, customer=other_customer
        ),
    )


@pytest.fixture
def client_for():
    """client_for(user) -> a test Client logged in as that user (None: anonymous)."""

    def make(user):
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def clock(monkeypatch):
    """Django's clock (``timezone.now``) held still; ``clock.advance(hours=1)`` moves it."""

    class Clock:
        now = timezone.now()

        def advance(self, **delta):
            self.now += datetime.timedelta(**delta)

    held = Clock()
    monkeypatch.setattr(timezone, "now", lambda: held.now)
    return held


@pytest.fixture
def registry(settings):
    """Enhetsregisteret's recorded answers on a local port (svenn/brreg_fake.py), the
    app pointed at it and its cache empty; ``registry.behaviour`` breaks it."""
    from django.core.cache import cache

    from svenn.brreg_fake import FakeRegistry

    with FakeRegistry() as fake:
        settings.BRREG_API_URL = fake.url
        cache.clear()
        yield fake
    cache.clear()

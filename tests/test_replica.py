"""Reports and exports may read from a replica (core/replica.py); a user who just wrote,
and every other page, reads from the primary."""

import datetime
import time
from decimal import Decimal

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from core.replica import (
    PIN_COOKIE,
    REPLICA,
    PrimaryAfterWriteMiddleware,
    ReplicaRouter,
    replica_reads,
)
from timesheets.models import TimeEntry

from .factories import TimeEntryFactory

router = ReplicaRouter()


@pytest.fixture(scope="module")
def replica_alias(django_db_setup):
    """A ``replica`` alias on the test database (made first, so the alias names it, not
    the development database), through a connection of its own; set up before the
    test's database access is, so a test may name it in ``databases``."""
    connections.settings[REPLICA] = dict(connections[DEFAULT_DB_ALIAS].settings_dict)
    yield REPLICA
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


@pytest.fixture
def frozen_replica(replica_alias):
    """The replica as one that lags: it sees the database as it was when the test
    called it, whatever is committed afterwards (a repeatable-read snapshot)."""

    def freeze():
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT count(*) FROM timesheets_timeentry")

    yield freeze
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("ROLLBACK")


@replica_reads
def reads_entries(request):
    """Answers which database a read of time entries would use."""
    return HttpResponse(router.db_for_read(TimeEntry))


def request_with(method="get", cookie=None):
    request = getattr(RequestFactory(), method)("/")
    if cookie is not None:
        request.COOKIES[PIN_COOKIE] = cookie
    return request


@pytest.fixture
def no_replica(monkeypatch):
    monkeypatch.setattr("core.replica.replica_configured", lambda: False)


def test_without_a_replica_every_read_goes_to_the_primary(no_replica):
    assert reads_entries(request_with()).content == DEFAULT_DB_ALIAS.encode()


def test_a_replica_safe_view_reads_from_the_replica(replica_alias):
    assert reads_entries(request_with()).content == b"replica"


def test_reads_outside_a_replica_safe_view_go_to_the_primary(replica_alias):
    reads_entries(request_with())
    assert router.db_for_read(TimeEntry) == DEFAULT_DB_ALIAS


def test_a_post_to_a_replica_safe_view_reads_from_the_primary(replica_alias):
    assert reads_entries(request_with("post")).content == DEFAULT_DB_ALIAS.encode()


def test_a_user_who_just_wrote_reads_from_the_primary(replica_alias):
    soon = str(int(time.time()) + 5)
    assert reads_entries(request_with(cookie=soon)).content == DEFAULT_DB_ALIAS.encode()


def test_an_expired_or_garbled_pin_reads_from_the_replica(replica_alias):
    past = str(int(time.time()) - 1)
    assert reads_entries(request_with(cookie=past)).content == b"replica"
    assert reads_entries(request_with(cookie="x")).content == b"replica"


def test_writes_always_go_to_the_primary(replica_alias):
    entry = TimeEntry()
    entry._state.db = REPLICA  # as if read from the replica
    assert router.db_for_write(TimeEntry, instance=entry) == DEFAULT_DB_ALIAS


def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "timesheets")
    assert not router.allow_migrate(REPLICA, "timesheets")


def test_a_write_pins_the_user_to_the_primary_for_a_while(replica_alias, settings):
    settings.REPLICA_PIN_SECONDS = 10
    middleware = PrimaryAfterWriteMiddleware(lambda request: HttpResponse())
    cookie = middleware(request_with("post")).cookies[PIN_COOKIE]
    assert cookie["max-age"] == 10
    assert int(time.time()) + 9 <= int(cookie.value) <= int(time.time()) + 10
    assert PIN_COOKIE not in middleware(request_with("get")).cookies


def test_without_a_replica_a_write_sets_no_pin(no_replica):
    middleware = PrimaryAfterWriteMiddleware(lambda request: HttpResponse())
    assert PIN_COOKIE not in middleware(request_with("post")).cookies


def open_entries(client):
    response = client.get(reverse("timesheets:overview"), {"status": "open"})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
def test_an_approval_followed_by_the_overview_never_shows_the_entry_still_open(
    world, client_for, frozen_replica
):
    entry = TimeEntryFactory(user=world.employee, description="Fuging av flis")
    frozen_replica()  # the replica has not seen the approval below
    approver = client_for(world.moderator)
    response = approver.post(reverse("timesheets:approve"), {"entry": entry.pk})
    assert response.status_code == 302

    assert "Fuging av flis" not in open_entries(approver)
    # Another manager, who wrote nothing, reads the lagging replica.
    assert "Fuging av flis" in open_entries(client_for(world.admin))


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
def test_the_export_streams_from_the_replica(world, client_for, frozen_replica):
    frozen_replica()
    TimeEntryFactory(user=world.employee, description="Etter speilingen")
    response = client_for(world.moderator).get(reverse("timesheets:export_csv"))
    assert "Etter speilingen" not in b"".join(response.streaming_content).decode("utf-8-sig")


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
def test_the_invoice_basis_reads_the_replica_but_not_right_after_ones_own_approval(
    world, client_for, frozen_replica
):
    world.company.hourly_rate = Decimal("950")
    world.company.save()
    entry = TimeEntryFactory(
        user=world.employee, customer=world.customer, date=datetime.date(2026, 10, 1)
    )
    frozen_replica()  # the replica has not seen the approval below
    approver = client_for(world.moderator)
    assert approver.post(reverse("timesheets:approve"), {"entry": entry.pk}).status_code == 302
    query = {"customer": world.customer.pk, "date_from": "2026-10-01", "date_to": "2026-10-31"}

    assert "7\xa0125,00 kr" in approver.get(reverse("invoicing:basis"), query).content.decode()
    # Another manager, who wrote nothing, reads the lagging replica.
    assert (
        "7\xa0125,00 kr"
        not in client_for(world.admin).get(reverse("invoicing:basis"), query).content.decode()
    )

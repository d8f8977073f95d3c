"""Two people edit the same customer card or time entry in two sessions: the first
save wins, the second is refused with 409 and keeps its input; nothing is lost.

First in turn (each opens the form, then both save), then at the same moment
(two threads posting the same version at once).
"""

import re
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from customers.models import Customer
from customers.selectors import customer_history
from timesheets.models import TimeEntry

from .test_customers_views import card_post
from .test_timesheets_views import edit_data


def opened_version(client, url):
    """The version the form carries when ``client`` opens ``url``."""
    html = client.get(url).content.decode()
    return int(re.search(r'name="version" value="(\d+)"', html).group(1))


def test_second_session_saving_the_same_customer_card_is_refused(world, client_for):
    url = reverse("customers:detail", args=[world.customer.pk])
    ingrid, lars = client_for(world.admin), client_for(world.moderator)
    ingrid_version, lars_version = opened_version(ingrid, url), opened_version(lars, url)

    first = ingrid.post(url, card_post(world.customer, name="Kari N.", version=ingrid_version))
    second = lars.post(url, card_post(world.customer, note="Ring først", version=lars_version))

    assert first.status_code == 302
    assert second.status_code == 409
    html = second.content.decode()
    assert "Kunden er endret av Ingrid Berg siden du åpnet den" in html
    assert "Ring først" in html  # Lars keeps what he typed
    world.customer.refresh_from_db()
    assert (world.customer.name, world.customer.note) == ("Kari N.", "")
    assert world.customer.version == 2


def test_second_session_saving_the_same_time_entry_is_refused(world, client_for):
    url = reverse("timesheets:entry_update", args=[world.entry.pk])
    owner, admin = client_for(world.employee), client_for(world.admin)
    owner_version, admin_version = opened_version(owner, url), opened_version(admin, url)

    first = owner.post(url, edit_data(world.entry, hours="6", version=owner_version))
    second = admin.post(
        url, edit_data(world.entry, hours="3", description="Rettet", version=admin_version)
    )

    assert first.status_code == 302
    assert second.status_code == 409
    assert "Rettet" in second.content.decode()
    world.entry.refresh_from_db()
    assert (world.entry.hours, world.entry.description) == (Decimal("6.00"), "")
    assert world.entry.version == 2


def post_at_once(posts):
    """Send ``(user, url, data)`` POSTs from one thread each, released together."""
    start = threading.Barrier(len(posts))
    statuses = []

    def send(user, url, data):
        client = Client()
        client.force_login(user)
        start.wait()
        try:
            statuses.append(client.post(url, data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=post) for post in posts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_of_one_card_keep_exactly_one(world):
    url = reverse("customers:detail", args=[world.customer.pk])
    statuses = post_at_once(
        [
            (world.admin, url, card_post(world.customer, note="Notat fra Ingrid")),
            (world.moderator, url, card_post(world.customer, note="Notat fra Lars")),
        ]
    )

    assert statuses == [302, 409]
    customer = Customer.objects.get(pk=world.customer.pk)
    assert customer.note in {"Notat fra Ingrid", "Notat fra Lars"} and customer.version == 2
    notes = [
        new for c in customer_history(customer) for label, _, new in c.fields if label == "Notat"
    ]
    assert notes == [customer.note]


@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_of_one_entry_keep_exactly_one(world):
    url = reverse("timesheets:entry_update", args=[world.entry.pk])
    statuses = post_at_once(
        [
            (world.employee, url, edit_data(world.entry, hours="6")),
            (world.admin, url, edit_data(world.entry, hours="3")),
        ]
    )

    assert statuses == [302, 409]
    entry = TimeEntry.objects.get(pk=world.entry.pk)
    assert entry.hours in {Decimal("6.00"), Decimal("3.00")} and entry.version == 2

"""A double-submitted create form (a double tap on "Lagre") creates one object."""

import threading
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import User


def user_form(token, email="ny@demo.no"):
    return {"name": "Nina Ny", "email": email, "phone": "", "role": "employee", "form_token": token}


def test_the_create_form_carries_a_fresh_token_each_time(world, client_for):
    client = client_for(world.admin)
    first = client.get(reverse("accounts:user_create")).content.decode()
    second = client.get(reverse("accounts:user_create")).content.decode()
    assert 'name="form_token"' in first
    assert (
        first.split('name="form_token" value="')[1][:36]
        != second.split('name="form_token" value="')[1][:36]
    )


def test_two_identical_posts_create_one_user(world, client_for):
    client = client_for(world.admin)
    token = str(uuid.uuid4())
    url = reverse("accounts:user_create")

    first = client.post(url, user_form(token))
    second = client.post(url, user_form(token))

    assert first.status_code == 302
    assert second.status_code == 302
    assert User.objects.filter(email="ny@demo.no").count() == 1


def test_a_form_with_errors_can_be_corrected_and_sent_with_the_same_token(world, client_for):
    client = client_for(world.admin)
    token = str(uuid.uuid4())
    url = reverse("accounts:user_create")

    bad = client.post(url, user_form(token, email="not-an-address"))
    good = client.post(url, user_form(token))

    assert bad.status_code == 422
    assert good.status_code == 302
    assert User.objects.filter(email="ny@demo.no").count() == 1


def test_a_repeated_htmx_post_changes_nothing_on_the_page(world, client_for):
    client = client_for(world.admin)
    token = str(uuid.uuid4())
    url = reverse("accounts:user_create")
    client.post(url, user_form(token))

    again = client.post(url, user_form(token), headers={"HX-Request": "true"})

    assert again.status_code == 204


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_identical_posts_create_one_user(world):
    token = str(uuid.uuid4())
    url = reverse("accounts:user_create")
    statuses = []

    def submit():
        client = Client()
        client.force_login(world.admin)
        statuses.append(client.post(url, user_form(token)).status_code)
        connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [302, 302]
    assert User.objects.filter(email="ny@demo.no").count() == 1


def test_two_identical_project_posts_create_one_project(world, client_for):
    from projects.models import Project

    client = client_for(world.moderator)
    data = {"name": "Dobbelt trykk", "number": "777", "form_token": str(uuid.uuid4())}
    url = reverse("projects:create")

    assert 'name="form_token"' in client.get(url).content.decode()
    first = client.post(url, data)
    second = client.post(url, data)

    assert first.status_code == 302
    assert second.status_code == 302
    assert Project.objects.filter(name="Dobbelt trykk").count() == 1


def test_two_identical_customer_posts_create_one_customer(world, client_for):
    from customers.models import Customer

    client = client_for(world.moderator)
    url = reverse("customers:create")
    assert 'name="form_token"' in client.get(url).content.decode()
    data = {
        "name": "Dobbel Trykk AS",
        "number": "4242",
        "kind": "company",
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "0",
        "contacts-0-name": "Kari Kontakt",
        "form_token": str(uuid.uuid4()),
    }

    first = client.post(url, data)
    second = client.post(url, data)

    assert first.status_code == 302
    assert second.status_code == 302
    assert Customer.objects.filter(name="Dobbel Trykk AS").count() == 1


def test_a_form_re_rendered_without_saving_gives_its_token_back(world, client_for):
    token = str(uuid.uuid4())
    client = client_for(world.admin)
    url = reverse("accounts:user_create")
    client.post(url, user_form(token, email=""))  # errors: nothing saved
    assert client.post(url, user_form(token)).status_code == 302
    assert User.objects.filter(email="ny@demo.no").exists()


def test_two_identical_hour_posts_create_one_entry(world, client_for):
    from timesheets.models import TimeEntry

    client = client_for(world.employee)
    url = reverse("timesheets:entry_create")
    assert 'name="form_token"' in client.get(url).content.decode()
    data = {
        "date": "2026-03-05",
        "hours": "7,5",
        "description": "Dobbelt",
        "no_project": "on",
        "form_token": str(uuid.uuid4()),
    }

    first = client.post(url, data)
    second = client.post(url, data, headers={"HX-Request": "true"})

    assert first.status_code == 302
    assert second.status_code == 204
    assert TimeEntry.objects.filter(description="Dobbelt").count() == 1

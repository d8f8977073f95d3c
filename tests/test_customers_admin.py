"""The Django admin: platform staff see every firm's customers and restore deleted ones."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from customers import selectors, services
from customers.models import Customer
from customers.selectors import customer_history

from .admin_forms import change_form_data
from .factories import CustomerFactory, UserFactory


@pytest.fixture
def staff(db):
    return UserFactory(company=None, is_staff=True, is_superuser=True, name="Plattform")


def test_staff_see_customers_of_every_firm(world, staff, client_for, django_assert_max_num_queries):
    client = client_for(staff)
    with django_assert_max_num_queries(12):
        response = client.get("/admin/customers/customer/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kari Nordmann" in html
    assert "Fremmed Kunde" in html
    assert client.get("/admin/customers/customer/?q=kari").status_code == 200
    card = client.get(f"/admin/customers/customer/{world.customer.pk}/change/")
    assert card.status_code == 200
    # The hours the database keeps for each customer, in the list and on the customer.
    rows = {c.pk: c.logged_hours for c in response.context["cl"].result_list}
    assert rows[world.customer.pk] == world.entry.hours
    assert "Førte timer" in html and '<div class="readonly">7.50</div>' in card.text


def test_staff_restore_a_deleted_customer(world, staff, client_for):
    services.customer_delete(customer=world.customer, by=world.admin)
    response = client_for(staff).post(
        "/admin/customers/customer/",
        {"action": "restore", ACTION_CHECKBOX_NAME: [world.customer.pk]},
    )
    assert response.status_code == 302
    customer = Customer.objects.get(pk=world.customer.pk)
    assert customer.deleted_at is None
    change = selectors.customer_history(customer)[0]
    assert (change.action, change.by) == ("gjenopprettet", "Plattform")


def test_admin_cannot_hard_delete_a_customer_with_history(world, staff, client_for):
    client = client_for(staff)
    url = f"/admin/customers/customer/{world.customer.pk}/delete/"
    response = client.post(url, {"post": "yes"})
    assert Customer.objects.filter(pk=world.customer.pk).exists()
    assert response.status_code == 200  # the "cannot delete: protected objects" page


def test_deleted_customer_is_named_as_deleted(world):
    services.customer_delete(customer=world.customer, by=world.admin)
    assert world.customer.display_name == "Kari Nordmann (slettet)"


# Staff edit a card in the admin through the services: the same rules, version and
# history as on the card.


def _change_url(customer):
    return f"/admin/customers/customer/{customer.pk}/change/"


def test_staff_edit_of_a_card_moves_the_version_and_is_recorded(world, staff, client_for):
    client = client_for(staff)
    url = _change_url(world.customer)
    response = client.post(url, change_form_data(client, url, name="Kari Nordmann-Berg"))
    assert response.status_code == 302
    customer = Customer.objects.get(pk=world.customer.pk)
    assert customer.name == "Kari Nordmann-Berg"
    assert (customer.version, customer.updated_by) == (world.customer.version + 1, staff)
    assert "kari nordmann-berg" in customer.search_text
    change = customer_history(customer)[0]
    assert (change.action, change.by) == ("endret", "Plattform")
    assert [(str(label), old, new) for label, old, new in change.fields] == [
        ("Navn", "Kari Nordmann", "Kari Nordmann-Berg")
    ]


def test_staff_edit_keeps_the_cards_rules(world, staff, client_for):
    client = client_for(staff)
    url = _change_url(world.customer)
    taken = CustomerFactory(company=world.company).number
    data = change_form_data(
        client, url, number=taken, kind="person", org_number="923609016", phone="123"
    )
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"number", "org_number", "phone"}
    assert "En annen kunde har allerede dette nummeret." in str(errors["number"])
    customer = Customer.objects.get(pk=world.customer.pk)
    assert (customer.number, customer.version) == (world.customer.number, world.customer.version)


def test_staff_may_give_a_number_another_firm_uses(world, staff, client_for):
    client = client_for(staff)
    url = _change_url(world.customer)
    data = change_form_data(client, url, number=world.other_customer.number)
    assert client.post(url, data).status_code == 302
    assert Customer.objects.get(pk=world.customer.pk).number == world.other_customer.number


def test_staff_normalise_phone_and_org_number_as_the_card_does(world, staff, client_for):
    client = client_for(staff)
    url = _change_url(world.customer)
    data = change_form_data(client, url, org_number="923 609 016", phone="412 34 567")
    assert client.post(url, data).status_code == 302
    customer = Customer.objects.get(pk=world.customer.pk)
    assert (customer.org_number, customer.phone) == ("923609016", "+4741234567")


def test_staff_edit_of_a_card_saved_since_it_was_opened_is_refused(world, staff, client_for):
    client = client_for(staff)
    url = _change_url(world.customer)
    data = change_form_data(client, url, name="Fra admin")
    card = {"name": "Fra kortet", "number": world.customer.number, "kind": "company"}
    services.customer_update(
        customer=world.customer, by=world.moderator, version=1, data=card, contacts=[]
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Lars Moen" in str(response.context["adminform"].form.non_field_errors())
    assert Customer.objects.get(pk=world.customer.pk).name == "Fra kortet"

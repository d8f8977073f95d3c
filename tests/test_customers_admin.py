"""The Django admin: platform staff see every firm's customers and restore deleted ones."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from customers import selectors, services
from customers.models import Customer

from .factories import UserFactory


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

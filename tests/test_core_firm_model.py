"""What every firm table shares (core.models.FirmModel): the label of a deleted
object, one numbering, one rule per field on every write path."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django_scopes import scope

from core.models import next_number
from customers import services as customer_services
from customers.forms import CustomerForm
from customers.models import Customer
from projects import selectors as project_selectors
from projects import services as project_services
from projects.forms import ProjectForm
from projects.models import Project

from .admin_forms import change_form_data
from .factories import CustomerFactory, ProjectFactory, UserFactory


def test_display_name_says_deleted_in_the_users_language(world):
    for obj in (world.customer, world.project, world.entry):
        assert obj.display_name == str(obj)
        obj.deleted_at = timezone.now()
        with translation.override("nb"):
            assert obj.display_name == f"{obj} (slettet)"
        with translation.override("en"):
            assert obj.display_name == f"{obj} (deleted)"
    assert world.project.display_name == f"{world.project.number} Nytt bad (slettet)"


def test_next_number_is_one_above_the_highest_deleted_ones_included(world):
    CustomerFactory(company=world.company, number=20000, deleted_at=timezone.now())
    assert next_number(Customer.objects.filter(company=world.company), first=10000) == 20001
    assert next_number(Customer.objects.none(), first=10000) == 10000


def test_customers_and_projects_are_numbered_by_the_one_function(world, monkeypatch):
    calls = []

    def counting(queryset, *, first):
        calls.append((queryset.model, first))
        return next_number(queryset, first=first)

    monkeypatch.setattr(customer_services, "next_number", counting)
    monkeypatch.setattr(project_selectors, "next_number", counting)
    ProjectFactory(company=world.company, number=4000, deleted_at=timezone.now())
    with scope(company=world.company.pk):
        assert project_selectors.next_project_number() == 4001
    assert customer_services.customer_next_number(company=world.other_company) == (
        world.other_customer.number + 1
    )
    assert calls == [(Project, 1001), (Customer, 10000)]


# One postal-code rule: four ASCII digits. "²³⁴⁵" are digits to Python's \d and
# str.isdigit(), not a postal code, whichever way they come in.

UNICODE_DIGITS = "²³⁴⁵"


@pytest.fixture
def staff(db):
    return UserFactory(company=None, is_staff=True, is_superuser=True)


def _card_form(world, postal_code):
    data = {"name": "Ny Kunde", "number": 30000, "kind": "person", "postal_code": postal_code}
    return CustomerForm(data, company=world.company)


def _project_form(world, postal_code):
    data = {"name": "Nytt tak", "number": 5000, "postal_code": postal_code}
    return ProjectForm(data, user=world.admin)


@pytest.mark.parametrize("make_form", [_card_form, _project_form])
def test_the_card_forms_refuse_unicode_digits_as_a_postal_code(world, make_form):
    with scope(company=world.company.pk):
        form = make_form(world, UNICODE_DIGITS)
        assert form.errors["postal_code"] == ["Et postnummer har 4 sifre."]
        assert make_form(world, "0150").is_valid()


def test_the_services_refuse_unicode_digits_as_a_postal_code(world):
    with pytest.raises(ValidationError) as customer_error:
        customer_services.customer_create(
            company=world.company,
            by=world.admin,
            data={"name": "Ny Kunde", "kind": "person", "postal_code": UNICODE_DIGITS},
        )
    with scope(company=world.company.pk), pytest.raises(ValidationError) as project_error:
        project_services.project_create(
            company=world.company,
            by=world.admin,
            name="Nytt tak",
            number=5000,
            postal_code=UNICODE_DIGITS,
        )
    for error in (customer_error, project_error):
        assert error.value.message_dict["postal_code"] == ["Et postnummer har 4 sifre."]


@pytest.mark.parametrize("kind", ["customer", "project"])
def test_the_django_admin_refuses_unicode_digits_as_a_postal_code(world, staff, client_for, kind):
    obj = getattr(world, kind)
    client = client_for(staff)
    url = f"/admin/{obj._meta.app_label}/{kind}/{obj.pk}/change/"
    response = client.post(url, change_form_data(client, url, postal_code=UNICODE_DIGITS))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["postal_code"] == [
        "Et postnummer har 4 sifre."
    ]
    assert type(obj).objects.get(pk=obj.pk).postal_code == ""

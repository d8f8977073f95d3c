"""The firm's own settings ("Firma"): Administrators only, each their own firm."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import Company

FIRM = reverse("accounts:firm")


def test_admin_sees_the_firm_with_its_org_number_grouped(world, client_for):
    Company.objects.filter(pk=world.company.pk).update(org_number="988077917")

    response = client_for(world.admin).get(FIRM)

    assert response.status_code == 200
    assert 'value="Demo Bygg AS"' in response.text
    assert 'value="988 077 917"' in response.text
    assert "Lagre" in response.text


def test_admin_saves_name_and_org_number_as_nine_digits(world, client_for):
    client = client_for(world.admin)
    response = client.post(FIRM, {"name": "  Demo Bygg og Rør AS ", "org_number": "988 077 917"})

    assert response.status_code == 302 and response["Location"] == FIRM
    world.company.refresh_from_db()
    assert world.company.name == "Demo Bygg og Rør AS"
    assert world.company.org_number == "988077917"
    assert "Firmaet er lagret." in client.get(FIRM).text


def test_an_invalid_org_number_is_a_field_error_and_saves_nothing(world, client_for):
    response = client_for(world.admin).post(FIRM, {"name": "Nytt navn AS", "org_number": "123"})

    assert response.status_code == 422
    assert response.context["form"].errors["org_number"]
    assert "organisasjonsnummer" in response.text
    world.company.refresh_from_db()
    assert world.company.name == "Demo Bygg AS"


def test_an_empty_name_is_a_field_error(world, client_for):
    response = client_for(world.admin).post(FIRM, {"name": " ", "org_number": ""})

    assert response.status_code == 422
    assert response.context["form"].errors["name"]


@pytest.mark.parametrize("role", ["moderator", "employee"])
def test_moderator_and_employee_cannot_open_or_change_the_firm(world, client_for, role):
    client = client_for(getattr(world, role))

    assert client.get(FIRM).status_code == 403
    assert client.post(FIRM, {"name": "Kapret AS", "org_number": ""}).status_code == 403
    world.company.refresh_from_db()
    assert world.company.name == "Demo Bygg AS"


def test_another_firms_admin_edits_only_their_own_firm(world, client_for):
    client = client_for(world.other_admin)

    assert "Demo Bygg AS" not in client.get(FIRM).text
    client.post(FIRM, {"name": "Annen Firma Ny AS", "org_number": ""})

    world.company.refresh_from_db()
    world.other_company.refresh_from_db()
    assert world.company.name == "Demo Bygg AS"
    assert world.other_company.name == "Annen Firma Ny AS"


def test_firm_page_is_linked_for_admins_only(world, client_for):
    for page in (reverse("accounts:users"), reverse("accounts:profile")):
        assert f'href="{FIRM}"' in client_for(world.admin).get(page).text
    assert f'href="{FIRM}"' not in client_for(world.moderator).get(reverse("accounts:profile")).text


def test_firm_page_rejects_other_methods(world, client_for):
    assert client_for(world.admin).put(FIRM).status_code == 405


def test_service_refuses_another_firm_and_other_roles(world):
    with pytest.raises(PermissionDenied):
        services.company_update(
            company=world.company, by=world.other_admin, name="X", org_number=""
        )
    with pytest.raises(PermissionDenied):
        services.company_update(company=world.company, by=world.moderator, name="X", org_number="")


def test_service_saves_nothing_when_one_field_is_invalid(world):
    with pytest.raises(ValidationError) as error:
        services.company_update(
            company=world.company, by=world.admin, name="Nytt AS", org_number="123456789"
        )

    assert "org_number" in error.value.message_dict
    world.company.refresh_from_db()
    assert world.company.name == "Demo Bygg AS" and world.company.org_number == ""

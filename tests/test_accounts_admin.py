"""The Django admin is for platform staff (is_staff), not for firm roles."""

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import User

from .factories import UserFactory


@pytest.fixture
def staff(db):
    return UserFactory(company=None, is_staff=True, is_superuser=True, name="Plattform")


@pytest.mark.parametrize("actor", ["admin", "moderator", "employee", "other_admin"])
def test_firm_users_are_sent_to_the_admin_login(world, client_for, actor):
    response = client_for(world.user(actor)).get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_anonymous_is_sent_to_log_in(db, client):
    response = client.get(reverse("admin:accounts_user_changelist"))

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_platform_staff_see_every_firms_users(world, staff, client_for):
    client = client_for(staff)

    assert client.get(reverse("admin:index")).status_code == 200
    response = client.get(reverse("admin:accounts_user_changelist"), {"q": "Berg"})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [world.admin]
    everyone = client.get(reverse("admin:accounts_user_changelist")).context["cl"].result_count
    assert everyone == 6  # both firms' five users and the staff user


def test_platform_staff_open_a_user_and_a_firm(world, staff, client_for):
    client = client_for(staff)

    user_page = client.get(reverse("admin:accounts_user_change", args=[world.employee.pk]))
    firm_page = client.get(reverse("admin:accounts_company_change", args=[world.company.pk]))

    assert user_page.status_code == 200
    assert firm_page.status_code == 200


def test_platform_staff_cannot_move_a_user_to_another_firm(world, staff, rf):
    """The firm's rows keep pointing at their user (same-firm keys): the admin says so
    next to the field instead of failing."""
    request = rf.post("/")
    request.user = staff
    user_admin = admin.site._registry[User]
    form_class = user_admin.get_form(request, world.employee)
    data = {
        **form_class(instance=world.employee).initial,
        "company": world.other_company.pk,
        "groups": [],
        "user_permissions": [],
    }
    form = form_class(data, instance=world.employee)

    assert not form.is_valid()
    assert "company" in form.errors
    world.employee.refresh_from_db()
    assert world.employee.company == world.company

"""User management ("Ansatte"): Administrators only, within their own firm."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django_scopes import scope

from accounts import services
from accounts.models import User
from accounts.permissions import Role

from .factories import UserFactory

USERS = reverse("accounts:users")
CREATE = reverse("accounts:user_create")


def update_url(user):
    return reverse("accounts:user_update", args=[user.pk])


def active_url(user):
    return reverse("accounts:user_set_active", args=[user.pk])


def new_user_data(**overrides):
    return {
        "name": "Nina Ny",
        "email": "Nina@Demo.no",
        "phone": "98765432",
        "role": Role.MODERATOR,
        **overrides,
    }


def test_admin_sees_every_user_of_the_firm_and_no_one_else(world, client_for):
    inactive = UserFactory(company=world.company, name="Gammel Ansatt", is_active=False)

    response = client_for(world.admin).get(USERS)

    assert response.status_code == 200
    listed = list(response.context["users"])
    assert set(listed) == {
        world.admin,
        world.moderator,
        world.employee,
        world.employee2,
        inactive,
    }
    assert listed[-1] == inactive  # active users first
    content = response.content.decode()
    assert "Inaktiv" in content
    assert world.other_admin.name not in content


def test_other_firms_admin_sees_none_of_our_users(world, client_for):
    response = client_for(world.other_admin).get(USERS)

    assert list(response.context["users"]) == [world.other_admin]
    for user in (world.admin, world.moderator, world.employee, world.employee2):
        assert user.email not in response.content.decode()


def test_user_list_takes_a_fixed_number_of_queries(
    world, client_for, django_assert_max_num_queries
):
    UserFactory.create_batch(10, company=world.company)
    client = client_for(world.admin)

    with django_assert_max_num_queries(6):
        client.get(USERS)


@pytest.mark.parametrize("actor", ["moderator", "employee"])
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", lambda w: USERS),
        ("get", lambda w: CREATE),
        ("post", lambda w: CREATE),
        ("get", lambda w: update_url(w.employee2)),
        ("post", lambda w: update_url(w.employee2)),
        ("post", lambda w: active_url(w.employee2)),
    ],
)
def test_moderators_and_employees_cannot_manage_users(world, client_for, actor, method, url):
    client = client_for(world.user(actor))

    response = getattr(client, method)(url(world), new_user_data(role=Role.ADMIN, active="0"))

    assert response.status_code == 403
    world.employee2.refresh_from_db()
    assert world.employee2.is_active
    assert world.employee2.role == Role.EMPLOYEE
    assert not User.objects.filter(email="nina@demo.no").exists()


def test_employees_menu_item_is_shown_to_administrators_only(world, client_for):
    for actor, sees in [("admin", True), ("moderator", False), ("employee", False)]:
        content = client_for(world.user(actor)).get(reverse("home")).content.decode()
        assert (f'href="{USERS}"' in content) is sees, actor


def test_admin_adds_a_user_who_is_mailed_a_link_to_choose_a_password(world, client_for):
    response = client_for(world.admin).post(CREATE, new_user_data(), follow=True)

    assert response.redirect_chain[-1][0] == USERS
    assert "Nina Ny er lagt til" in response.content.decode()
    user = User.objects.get(email="nina@demo.no")
    assert user.company == world.company
    assert user.role == Role.MODERATOR
    assert user.phone == "+4798765432"
    assert user.is_active
    assert not user.has_usable_password()
    assert "Invitert" in response.content.decode()

    (message,) = mail.outbox
    assert message.to == ["nina@demo.no"]
    assert message.subject == "Velkommen til Svenn"
    assert "Ingrid Berg har lagt deg til i Demo Bygg AS" in message.body
    link = re.search(r"http://testserver(/\S+)", message.body).group(1)
    client = Client()
    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Grus-og-Sement-2026", "new_password2": "Grus-og-Sement-2026"},
    )
    client.post(
        reverse("accounts:login"),
        {"username": "nina@demo.no", "password": "Grus-og-Sement-2026"},
    )
    assert client.get(reverse("home")).status_code == 200


def test_new_users_start_as_ansatt(world, client_for):
    form = client_for(world.admin).get(CREATE).context["form"]

    assert form["role"].value() == Role.EMPLOYEE


def test_adding_a_user_with_an_existing_email_is_refused(world, client_for):
    response = client_for(world.admin).post(
        CREATE, new_user_data(email=world.other_admin.email.upper())
    )

    assert response.status_code == 422
    assert "email" in response.context["form"].errors
    assert mail.outbox == []


def test_invalid_new_user_shows_errors_next_to_the_fields_and_saves_nothing(world, client_for):
    before = User.objects.count()

    response = client_for(world.admin).post(
        CREATE, {"name": "", "email": "nope", "phone": "12", "role": "boss"}
    )

    assert response.status_code == 422
    assert response.context["form"].errors.keys() == {"name", "email", "phone", "role"}
    assert 'class="error"' in response.content.decode()
    assert User.objects.count() == before
    assert mail.outbox == []


def test_admin_changes_role_name_and_phone(world, client_for):
    response = client_for(world.admin).post(
        update_url(world.employee),
        {"name": "Per H. Hansen", "phone": "+47 412 34 567", "role": Role.MODERATOR},
    )

    assert response.status_code == 302
    world.employee.refresh_from_db()
    assert world.employee.name == "Per H. Hansen"
    assert world.employee.phone == "+4741234567"
    assert world.employee.role == Role.MODERATOR


def test_edit_form_starts_from_the_users_current_values(world, client_for):
    form = client_for(world.admin).get(update_url(world.moderator)).context["form"]

    assert form["name"].value() == "Lars Moen"
    assert form["role"].value() == Role.MODERATOR


def test_invalid_edit_is_refused_and_saves_nothing(world, client_for):
    response = client_for(world.admin).post(
        update_url(world.employee), {"name": "", "phone": "", "role": Role.ADMIN}
    )

    assert response.status_code == 422
    assert "name" in response.context["form"].errors
    world.employee.refresh_from_db()
    assert world.employee.role == Role.EMPLOYEE


def test_admin_cannot_take_the_administrator_role_from_themselves(world, client_for):
    response = client_for(world.admin).post(
        update_url(world.admin), {"name": "Ingrid Berg", "phone": "", "role": Role.EMPLOYEE}
    )

    assert response.status_code == 422
    assert "role" in response.context["form"].errors
    world.admin.refresh_from_db()
    assert world.admin.role == Role.ADMIN


def test_admin_deactivates_and_reactivates_a_user(world, client_for):
    client = client_for(world.admin)

    response = client.post(active_url(world.employee2), {"active": "0"}, follow=True)

    assert "Sofie Lie er deaktivert." in response.content.decode()
    world.employee2.refresh_from_db()
    assert not world.employee2.is_active

    client.post(active_url(world.employee2), {"active": "1"})

    world.employee2.refresh_from_db()
    assert world.employee2.is_active


def test_deactivated_user_keeps_their_data(world, client_for):
    client_for(world.admin).post(active_url(world.employee), {"active": "0"})

    world.entry.refresh_from_db()
    assert world.entry.user == world.employee


def test_admin_cannot_deactivate_themselves(world, client_for):
    response = client_for(world.admin).post(active_url(world.admin), {"active": "0"}, follow=True)

    assert "Du kan ikke deaktivere deg selv." in response.content.decode()
    world.admin.refresh_from_db()
    assert world.admin.is_active


def test_the_last_administrator_cannot_be_removed(world):
    with scope(company=world.company.pk):
        for change in (
            lambda: services.user_set_active(user=world.admin, by=world.moderator, active=False),
            lambda: services.user_update(
                user=world.admin, by=world.moderator, name="Ingrid", phone="", role=Role.EMPLOYEE
            ),
        ):
            with pytest.raises(ValidationError):
                change()
    world.admin.refresh_from_db()
    assert world.admin.is_active and world.admin.role == Role.ADMIN


def test_another_admin_can_be_deactivated_when_one_remains(world, client_for):
    second = UserFactory(company=world.company, role=Role.ADMIN)

    client_for(world.admin).post(active_url(second), {"active": "0"})

    second.refresh_from_db()
    assert not second.is_active


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", update_url, {}),
        ("post", update_url, {"name": "Hacked", "phone": "", "role": Role.EMPLOYEE}),
        ("post", active_url, {"active": "0"}),
    ],
)
def test_another_firms_admin_gets_404_for_our_users(world, client_for, method, url, data):
    response = getattr(client_for(world.other_admin), method)(url(world.admin), data)

    assert response.status_code == 404
    world.admin.refresh_from_db()
    assert world.admin.name == "Ingrid Berg"
    assert world.admin.is_active


def test_user_management_refuses_wrong_methods(world, client_for):
    client = client_for(world.admin)

    assert client.post(USERS).status_code == 405
    assert client.get(active_url(world.employee)).status_code == 405


def test_edit_page_offers_deactivation_for_others_but_not_for_yourself(world, client_for):
    client = client_for(world.admin)

    other = client.get(update_url(world.employee)).content.decode()
    own = client.get(update_url(world.admin)).content.decode()

    assert f'action="{active_url(world.employee)}"' in other
    assert "Deaktiver" in other
    assert f'action="{active_url(world.admin)}"' not in own


def test_phone_numbers_are_shown_grouped_as_phonenumbers_groups_them():
    import phonenumbers

    from core.validators import format_phone

    for number in ["+4741234567", "+4722123456", "+4790000000", "+4780012345", "+4633334444"]:
        expected = phonenumbers.format_number(
            phonenumbers.parse(number, "NO"), phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
        assert format_phone(number) == expected

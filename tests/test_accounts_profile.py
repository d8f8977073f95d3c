"""The profile: name, phone and the user's own language."""

from django.urls import reverse

PROFILE = reverse("accounts:profile")


def test_profile_shows_the_users_details(world, client_for):
    response = client_for(world.admin).get(PROFILE)

    content = response.content.decode()
    assert response.status_code == 200
    assert world.admin.email in content
    assert "Demo Bygg AS" in content
    assert "Administrator" in content


def test_choosing_english_switches_the_whole_ui(world, client_for):
    client = client_for(world.employee)

    response = client.post(
        PROFILE, {"name": "Per Hansen", "phone": "", "language": "en"}, follow=True
    )

    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "Your profile has been saved." in content
    assert "Log out" in content
    assert "Projects" in content
    world.employee.refresh_from_db()
    assert world.employee.language == "en"


def test_the_users_language_wins_over_accept_language(world, client_for):
    world.admin.language = "en"
    world.admin.save()
    client = client_for(world.admin)

    english = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    world.admin.language = "nb"
    world.admin.save()
    norwegian = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Employees" in english and "Ansatte" not in english
    assert "Ansatte" in norwegian and "Employees" not in norwegian


def test_phone_is_stored_in_e164_and_shown_grouped(world, client_for):
    client = client_for(world.moderator)

    client.post(PROFILE, {"name": "Lars Moen", "phone": "412 34 567", "language": "nb"})

    world.moderator.refresh_from_db()
    assert world.moderator.phone == "+4741234567"
    assert 'value="+47 41 23 45 67"' in client.get(PROFILE).content.decode()


def test_invalid_profile_is_refused_with_errors_and_nothing_saved(world, client_for):
    response = client_for(world.moderator).post(
        PROFILE, {"name": "", "phone": "12", "language": "de"}
    )

    assert response.status_code == 422
    assert response.context["form"].errors.keys() == {"name", "phone", "language"}
    assert "Skriv inn et gyldig telefonnummer." in response.content.decode()
    world.moderator.refresh_from_db()
    assert world.moderator.name == "Lars Moen"
    assert world.moderator.language == "nb"


def test_profile_refuses_other_methods(world, client_for):
    assert client_for(world.admin).delete(PROFILE).status_code == 405

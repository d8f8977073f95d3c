import pytest
from django.core.management import call_command

from accounts.demo import FORMER_PASSWORD, PASSWORD
from accounts.models import User


@pytest.mark.django_db
def test_a_demo_database_made_with_the_former_short_password_gets_the_new_one():
    call_command("demo", verbosity=0)
    admin = User.objects.get(email="admin@demo.no")
    admin.set_password(FORMER_PASSWORD)
    admin.save()

    call_command("demo", verbosity=0)

    admin.refresh_from_db()
    assert admin.check_password(PASSWORD)


@pytest.mark.django_db
def test_a_demo_password_someone_changed_stays_changed():
    call_command("demo", verbosity=0)
    admin = User.objects.get(email="admin@demo.no")
    admin.set_password("Eget-passord-2026")
    admin.save()

    call_command("demo", verbosity=0)

    admin.refresh_from_db()
    assert admin.check_password("Eget-passord-2026")

from django.urls import reverse

from accounts.permissions import Role

from .factories import UserFactory


def test_platform_staff_see_every_firms_hours_in_the_django_admin(world, client_for):
    staff = UserFactory(company=None, role=Role.EMPLOYEE, is_staff=True, is_superuser=True)
    client = client_for(staff)
    listing = client.get(reverse("admin:timesheets_timeentry_changelist"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Per Hansen" in html and "Ola Nilsen" in html
    assert (
        client.get(reverse("admin:timesheets_timeentry_change", args=[world.entry.pk])).status_code
        == 200
    )
    assert client.get(reverse("admin:timesheets_timeentryevent_changelist")).status_code == 200

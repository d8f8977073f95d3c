import pytest
from django.core.management import call_command

from accounts.models import Company
from projects.models import Project, ProjectAccess, ProjectStatus

pytestmark = pytest.mark.django_db


def test_demo_firm_gets_about_ten_projects_one_limited_and_one_finished():
    call_command("demo", verbosity=0)
    demo = Company.objects.get(name="Demo Bygg AS")
    projects = Project.objects.filter(company=demo)

    assert 8 <= projects.count() <= 12
    limited = projects.get(access=ProjectAccess.SELECTED)
    assert [user.email for user in limited.members.all()] == ["ansatt@demo.no"]
    assert projects.filter(status=ProjectStatus.DONE).count() == 1
    assert projects.filter(customer__isnull=False).count() == projects.count()
    assert all(p.customer.company_id == demo.pk for p in projects)
    assert Project.objects.filter(company__name="Annen Firma AS").exists()


def test_loading_the_demo_twice_adds_no_projects():
    call_command("demo", verbosity=0)
    before = Project.objects.count()

    call_command("demo", verbosity=0)

    assert Project.objects.count() == before

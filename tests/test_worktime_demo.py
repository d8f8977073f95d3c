from django.core.management import call_command

from worktime.models import Absence, WorkSchedule


def test_the_demo_firm_has_a_schedule_absence_and_loads_once(db):
    call_command("demo")
    call_command("demo")
    assert WorkSchedule.objects.filter(user__email="ansatt2@demo.no").count() == 1
    assert Absence.objects.filter(user__company__name__startswith="Demo").count() == 2

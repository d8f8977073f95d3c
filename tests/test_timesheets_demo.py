from django.core.management import call_command
from django.db.models import F

from timesheets.models import TimeEntry


def test_demo_has_weeks_of_hours_for_every_demo_user_some_approved(db):
    call_command("demo", verbosity=0)
    demo = TimeEntry.objects.filter(company__name="Demo Bygg AS")
    assert set(demo.values_list("user__email", flat=True)) == {
        "admin@demo.no",
        "moderator@demo.no",
        "ansatt@demo.no",
        "ansatt2@demo.no",
    }
    assert demo.dates("date", "week").count() >= 4
    assert demo.approved().exists() and demo.unapproved().exists()
    assert TimeEntry.objects.filter(company__name="Annen Firma AS").exists()
    # Nothing points across firms.
    assert (
        not TimeEntry.objects.exclude(project=None).exclude(project__company=F("company")).exists()
    )
    assert (
        not TimeEntry.objects.exclude(customer=None)
        .exclude(customer__company=F("company"))
        .exists()
    )
    count = TimeEntry.objects.count()
    call_command("demo", verbosity=0)
    assert TimeEntry.objects.count() == count

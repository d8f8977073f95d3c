from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built without locking the entries against writes: a firm goes on logging hours.
    atomic = False

    dependencies = [
        ("timesheets", "0016_timer_key"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="timeentry",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", True)),
                fields=["company", "date"],
                include=("user", "customer", "project", "hours", "approved_at", "approved_by"),
                name="entry_alive_period",
            ),
        ),
    ]

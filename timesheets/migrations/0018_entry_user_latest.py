from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built without locking the entries against writes: a firm goes on logging hours.
    atomic = False

    dependencies = [
        ("timesheets", "0017_entry_alive_period"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="timeentry",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", True)),
                fields=["company", "user", "created_at", "id"],
                include=("project",),
                name="entry_user_latest",
            ),
        ),
    ]

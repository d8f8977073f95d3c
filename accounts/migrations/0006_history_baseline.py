"""Every firm and user gets a baseline event: the state the first
change recorded by the triggers is compared with."""

from django.db import migrations

from core.history import write_baselines


def forwards(apps, schema_editor):
    write_baselines(
        apps,
        [
            ("accounts.Company", "accounts.CompanyEvent"),
            ("accounts.User", "accounts.UserEvent"),
        ],
        origin="accounts.0005_history_baseline",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_history_events"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False),
    ]

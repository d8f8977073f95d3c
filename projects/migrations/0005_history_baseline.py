"""Every project and project member gets a baseline event: the state the first
change recorded by the triggers is compared with."""

from django.db import migrations

from core.history import write_baselines


def forwards(apps, schema_editor):
    write_baselines(
        apps,
        [
            ("projects.Project", "projects.ProjectEvent"),
            ("projects.ProjectMember", "projects.ProjectMemberEvent"),
        ],
        origin="projects.0003_history_baseline",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0004_history_events"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False),
    ]

from django.db import migrations


class Migration(migrations.Migration):
    """The hand-written change table is gone: its rows now live in the event tables
    (see 0005_history_from_changes)."""

    dependencies = [
        ("customers", "0007_history_from_changes"),
    ]

    operations = [
        migrations.DeleteModel(
            name="CustomerChange",
        ),
    ]

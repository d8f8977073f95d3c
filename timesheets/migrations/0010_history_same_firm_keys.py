from django.db import migrations

from core.same_firm import SameFirmForeignKey, SameFirmTarget


class Migration(migrations.Migration):
    """An entry's history points at the entry of its own firm (entries are only ever
    soft-deleted, so the entry outlives its history)."""

    dependencies = [("timesheets", "0009_history_follows_base_model")]

    operations = [
        SameFirmTarget("timeentry"),
        SameFirmForeignKey("timeentryevent", "pgh_obj"),
    ]

from django.db import migrations

from core.same_firm import SameFirmForeignKey


class Migration(migrations.Migration):
    """A project's history points at the project of its own firm."""

    dependencies = [("projects", "0006_history_follows_base_model")]

    operations = [SameFirmForeignKey("projectevent", "pgh_obj")]

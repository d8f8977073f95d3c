from django.db import migrations

from core.same_firm import SameFirmForeignKey


class Migration(migrations.Migration):
    """A customer's history points at the customer of its own firm."""

    dependencies = [("customers", "0009_history_follows_base_model")]

    operations = [SameFirmForeignKey("customerevent", "pgh_obj")]

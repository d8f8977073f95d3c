from django.db import migrations

from core.same_firm import SameFirmForeignKey, SameFirmTarget


class Migration(migrations.Migration):
    """A contact person belongs to a customer of its own firm, enforced by PostgreSQL."""

    dependencies = [("customers", "0004_field_rules")]

    operations = [
        SameFirmTarget("customer"),
        SameFirmForeignKey("contactperson", "customer"),
    ]

from django.db import migrations

from core.same_firm import SameFirmForeignKey, SameFirmTarget


class Migration(migrations.Migration):
    """A project's customer and its chosen employees are of the project's own firm,
    enforced by PostgreSQL."""

    dependencies = [
        ("projects", "0002_field_rules"),
        ("accounts", "0004_same_firm_keys"),
        ("customers", "0005_same_firm_keys"),
    ]

    operations = [
        SameFirmTarget("project"),
        SameFirmForeignKey("project", "customer"),
        SameFirmForeignKey("projectmember", "project"),
        SameFirmForeignKey("projectmember", "user"),
    ]

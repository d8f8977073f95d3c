from django.db import migrations

from core.same_firm import SameFirmForeignKey


class Migration(migrations.Migration):
    """An entry's employee, approver, project and customer are of the entry's own firm,
    enforced by PostgreSQL."""

    dependencies = [
        ("timesheets", "0004_entry_soft_delete"),
        ("accounts", "0004_same_firm_keys"),
        ("customers", "0005_same_firm_keys"),
        ("projects", "0003_same_firm_keys"),
    ]

    operations = [
        SameFirmForeignKey("timeentry", "user"),
        SameFirmForeignKey("timeentry", "approved_by"),
        SameFirmForeignKey("timeentry", "project"),
        SameFirmForeignKey("timeentry", "customer"),
    ]

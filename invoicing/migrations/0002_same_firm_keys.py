from django.db import migrations

from core.same_firm import SameFirmForeignKey, SameFirmTarget


class Migration(migrations.Migration):
    """A basis's customer, project and people, and its entries, are of its own firm,
    enforced by PostgreSQL."""

    dependencies = [
        ("invoicing", "0001_initial"),
        ("accounts", "0004_same_firm_keys"),
        ("customers", "0005_same_firm_keys"),
        ("projects", "0003_same_firm_keys"),
        ("timesheets", "0010_history_same_firm_keys"),
    ]

    operations = [
        SameFirmTarget("invoicebasis"),
        SameFirmForeignKey("invoicebasis", "customer"),
        SameFirmForeignKey("invoicebasis", "project"),
        SameFirmForeignKey("invoicebasis", "invoiced_by"),
        SameFirmForeignKey("invoicebasis", "reopened_by"),
        SameFirmForeignKey("invoicedentry", "basis"),
        SameFirmForeignKey("invoicedentry", "entry"),
    ]

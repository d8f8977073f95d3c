from django.db import migrations

from core.same_firm import SameFirmForeignKey, SameFirmTarget


class Migration(migrations.Migration):
    """A line's entry, project and people, and a basis's lines, are of its own firm,
    enforced by PostgreSQL."""

    dependencies = [
        ("invoicing", "0003_job_lines"),
        ("timesheets", "0010_history_same_firm_keys"),
        ("projects", "0003_same_firm_keys"),
    ]

    operations = [
        SameFirmTarget("jobline"),
        SameFirmForeignKey("jobline", "entry"),
        SameFirmForeignKey("jobline", "project"),
        SameFirmForeignKey("jobline", "user"),
        SameFirmForeignKey("jobline", "approved_by"),
        SameFirmForeignKey("invoicedjobline", "basis"),
        SameFirmForeignKey("invoicedjobline", "line"),
    ]

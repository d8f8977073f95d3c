from django.db import migrations

from core.same_firm import SameFirmForeignKey


class Migration(migrations.Migration):
    """A job's user is of the job's own firm, enforced by PostgreSQL."""

    dependencies = [
        ("core", "0002_job"),
        ("accounts", "0004_same_firm_keys"),
    ]

    operations = [SameFirmForeignKey("job", "user")]

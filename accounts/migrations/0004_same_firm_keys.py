from django.db import migrations

from core.same_firm import SameFirmTarget


class Migration(migrations.Migration):
    """Firm tables' composite foreign keys to a user point at (company_id, id)."""

    dependencies = [("accounts", "0003_submitted_form_to_core")]

    operations = [SameFirmTarget("user")]

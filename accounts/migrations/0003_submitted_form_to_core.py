from django.db import migrations


class Migration(migrations.Migration):
    """SubmittedForm moved to core (core.0001 renames its table): only the state goes."""

    dependencies = [("accounts", "0002_submitted_form")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SubmittedForm")],
        ),
    ]

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """SubmittedForm, moved here from accounts: its table is renamed, its rows kept."""

    initial = True

    dependencies = [
        ("accounts", "0003_submitted_form_to_core"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE accounts_submittedform RENAME TO core_submittedform",
                    "ALTER TABLE core_submittedform RENAME TO accounts_submittedform",
                ),
            ],
            state_operations=[
                migrations.CreateModel(
                    name="SubmittedForm",
                    fields=[
                        ("token", models.UUIDField(primary_key=True, serialize=False)),
                        ("result_url", models.CharField(blank=True, max_length=500)),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "submitted form",
                        "verbose_name_plural": "submitted forms",
                    },
                ),
            ],
        ),
    ]

from django.db import migrations, models


class Migration(migrations.Migration):
    """Counts of password reset requests per hour (accounts.throttle)."""

    dependencies = [("accounts", "0009_user_email_lower_case")]

    operations = [
        migrations.CreateModel(
            name="Throttle",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=64)),
                ("window_start", models.DateTimeField(db_index=True)),
                ("count", models.PositiveIntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("key", "window_start"), name="throttle_key_window"
                    )
                ],
            },
        ),
    ]

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Job (core.jobs): a user's long work, its progress and its result."""

    dependencies = [
        ("accounts", "0011_user_sessions"),
        ("core", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Job",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("kind", models.CharField(max_length=100, verbose_name="kind")),
                ("params", models.JSONField(default=dict, verbose_name="parameters")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "Queued"),
                            ("running", "Running"),
                            ("done", "Done"),
                            ("failed", "Failed"),
                        ],
                        default="queued",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("done", models.PositiveIntegerField(default=0, verbose_name="done")),
                ("total", models.PositiveIntegerField(default=0, verbose_name="total")),
                ("stage", models.CharField(blank=True, max_length=200, verbose_name="stage")),
                ("summary", models.JSONField(blank=True, default=dict, verbose_name="summary")),
                (
                    "result_name",
                    models.CharField(blank=True, max_length=200, verbose_name="file name"),
                ),
                (
                    "result_type",
                    models.CharField(blank=True, max_length=200, verbose_name="file type"),
                ),
                ("result", models.BinaryField(blank=True, null=True, verbose_name="file")),
                ("error", models.TextField(blank=True, verbose_name="error")),
                ("created", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("finished", models.DateTimeField(blank=True, null=True, verbose_name="finished")),
                ("expires", models.DateTimeField(db_index=True, verbose_name="expires")),
                (
                    "company",
                    models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.company",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="asked by",
                    ),
                ),
            ],
            options={
                "verbose_name": "job",
                "verbose_name_plural": "jobs",
                "indexes": [models.Index(fields=["company", "user"], name="job_company_user")],
            },
        ),
    ]

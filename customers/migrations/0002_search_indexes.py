import django.contrib.postgres.indexes
from django.contrib.postgres.operations import BtreeGinExtension, TrigramExtension
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0001_initial"),
    ]

    operations = [
        # pg_trgm lets a GIN index serve LIKE '%...%'; btree_gin puts company_id
        # into the same index so a firm's search never scans other firms' rows.
        TrigramExtension(),
        BtreeGinExtension(),
        migrations.AddIndex(
            model_name="customer",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["company", "search_text"],
                name="customer_search_trgm",
                opclasses=["int8_ops", "gin_trgm_ops"],
            ),
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", True)),
                fields=["company", "is_active", "name", "number"],
                name="customer_list_order",
            ),
        ),
    ]

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built, then the old one dropped, without locking the customers against writes.
    atomic = False

    dependencies = [
        ("customers", "0014_customer_name_index"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="customer",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", True)),
                fields=["company", "is_active", "name", "number"],
                include=("id",),
                name="customer_list_page",
            ),
        ),
        RemoveIndexConcurrently(
            model_name="customer",
            name="customer_list_order",
        ),
    ]

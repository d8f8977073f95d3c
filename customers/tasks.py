"""Customers' jobs on the work queue (core/queue.py)."""

from django.utils import timezone
from django_scopes import scopes_disabled

from core.queue import RETRY, app

from .models import CustomerImport
from .selectors import IMPORT_KEPT


@app.periodic(cron="37 * * * *", periodic_id="prune_customer_imports")
@app.task(name="customers.prune_imports", retry=RETRY)
def prune_imports(timestamp):
    """Delete the uploaded files of "Importer kunder" that were not imported within a
    day (an imported one is deleted by its import), in every firm."""
    with scopes_disabled():
        old = CustomerImport.objects.filter(created_at__lt=timezone.now() - IMPORT_KEPT)
        return old.delete()[0]

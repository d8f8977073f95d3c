import datetime

from django.utils import timezone

from core.models import next_number
from invoicing.models import InvoiceBasis

from . import Route, admins, managers


def our_customer(world):
    return {"customer": world.customer.pk}


def basis(world):
    """A basis of our firm (made in the request's undone transaction)."""
    day = datetime.date(2026, 10, 1)
    made = InvoiceBasis.objects.create(
        company=world.company,
        number=next_number(InvoiceBasis.objects.filter(company=world.company), first=1),
        customer=world.customer,
        date_from=day,
        date_to=day,
        net=0,
        mva=0,
        total=0,
        invoiced_at=timezone.now(),
        invoiced_by=world.admin,
    )
    return [made.pk]


ROUTES = [
    # Nothing asked yet; another firm's Administrator gets their own firm's page.
    Route("invoicing:basis", managers()),
    # Our customer is no choice for another firm's Administrator: a field error.
    Route("invoicing:basis", managers(other=422), data=our_customer),
    Route("invoicing:basis_xlsx", managers(other=404), data=our_customer),
    Route("invoicing:basis_pdf", managers(other=404), data=our_customer),
    # A Moderator only where the firm allows it (tests/test_invoicing_mark.py); nothing
    # chosen is a field error.
    Route("invoicing:mark", admins(), method="post", ok=422),
    Route("invoicing:list", managers()),
    Route("invoicing:detail", managers(other=404), args=basis),
    Route("invoicing:detail_pdf", managers(other=404), args=basis),
    # No reason given: a field error.
    Route("invoicing:reopen", admins(other=404), args=basis, method="post", ok=422),
]

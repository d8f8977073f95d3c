import datetime

from django.utils import timezone

from core.models import next_number
from invoicing.models import InvoiceBasis

from ..factories import JobLineFactory
from . import OK, Route, admins, everyone, managers


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


# Materials and driving. world.entry: the employee's own entry, not approved, which a
# Moderator may not change (a 403), but whose lines a Moderator prices (the price form).
ENTRY = {"admin": OK, "moderator": 403, "employee": OK, "other_admin": 404}


def our_entry(world):
    return [world.entry.pk]


def our_project(world):
    return [world.project.pk]


def entry_line(world):
    """The employee's line on world.entry (made in the request's undone transaction)."""
    return [JobLineFactory(entry=world.entry).pk]


def project_line(world):
    """The employee's line directly on world.project, not approved."""
    line = JobLineFactory(entry=None, project=world.project, user=world.employee, date=DAY)
    return [line.pk]


DAY = datetime.date(2026, 10, 1)
DRIVE = "?kind=driving"
MATERIAL = {"description": "Kobberrør", "quantity": "2,5", "unit": "m"}
DRIVING = {"date": "01.10.2026", "route": "Lager – Storgata 5", "quantity": "12,5"}

ROUTES += [
    Route("invoicing:line_create_entry", ENTRY, args=our_entry),
    Route("invoicing:line_create_entry", ENTRY, args=our_entry, method="post", ok=422),
    Route(
        "invoicing:line_create_entry",
        ENTRY,
        args=our_entry,
        method="post",
        data=lambda w: MATERIAL,
        ok=302,
    ),
    Route("invoicing:line_create_project", everyone(other=404), args=our_project, query=DRIVE),
    Route(
        "invoicing:line_create_project",
        everyone(other=404),
        args=our_project,
        query=DRIVE,
        method="post",
        ok=422,
    ),
    Route(
        "invoicing:line_create_project",
        everyone(other=404),
        args=our_project,
        query=DRIVE,
        method="post",
        data=lambda w: DRIVING,
        ok=302,
    ),
    Route("invoicing:line_update", everyone(other=404), args=entry_line),
    Route("invoicing:line_update", everyone(other=404), args=entry_line, method="post", ok=422),
    Route("invoicing:line_delete", ENTRY, args=entry_line),
    Route("invoicing:line_delete", ENTRY, args=entry_line, method="post", ok=302),
    Route("invoicing:line_approve", managers(other=404), args=project_line, method="post", ok=302),
    Route("invoicing:line_reopen", admins(other=404), args=project_line, method="post", ok=302),
]

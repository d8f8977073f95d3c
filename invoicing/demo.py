"""Demo materials and driving (``manage.py demo``, after timesheets.demo): a few lines
"Materiell" and one "Kjøring" on the demo firm's approved entries, and the firm's rate
per km."""

from decimal import Decimal

from timesheets.models import TimeEntry

from .models import JobLine, Kind, Unit

RATE_PER_KM = Decimal("4.50")
MATERIALS = [
    ("Flislim", Decimal("3"), Unit.PACK, Decimal("389.00")),
    ("Membran", Decimal("6.5"), Unit.SQUARE_METRE, Decimal("142.50")),
    ("Kabel PFSP 3x1,5", Decimal("25"), Unit.METRE, Decimal("18.90")),
]
ROUTE = ("Lager Alna – byggeplass", Decimal("23.5"))


def load(firms):
    """Create the demo firm's lines if it has none (idempotent)."""
    company = firms["demo"]["company"]
    if JobLine.objects.filter(company=company).exists():
        return
    if company.rate_per_km is None:
        company.rate_per_km = RATE_PER_KM
        company.save(update_fields=["rate_per_km"])
    entries = list(
        TimeEntry.objects.filter(company=company, billable=True, invoiced_at__isnull=True)
        .approved()
        .exclude(project=None)
        .exclude(customer=None)
        .order_by("date", "id")[: len(MATERIALS) + 1]
    )
    lines = [
        JobLine(
            company=company,
            kind=Kind.MATERIAL,
            entry=entry,
            user=entry.user,
            description=description,
            quantity=quantity,
            unit=unit,
            unit_price=price,
            created_by=entry.user,
            updated_by=entry.user,
        )
        for entry, (description, quantity, unit, price) in zip(entries, MATERIALS, strict=False)
    ]
    if len(entries) > len(MATERIALS):
        entry = entries[-1]
        route, km = ROUTE
        lines.append(
            JobLine(
                company=company,
                kind=Kind.DRIVING,
                entry=entry,
                user=entry.user,
                route=route,
                quantity=km,
                unit=Unit.KM,
                created_by=entry.user,
                updated_by=entry.user,
            )
        )
    JobLine.objects.bulk_create(lines)

"""Demo projects for the demo firms (``manage.py demo``, after customers.demo)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from customers.models import Customer

from .models import Project, ProjectAccess, ProjectMember, ProjectStatus

# (name, address, postal code, place, start offset in days, length in days,
#  estimated hours, extra) where extra may say "done" or "chosen: e-mail, ...".
PROJECTS = {
    "demo": [
        ("Nytt bad", "Storgata 12", "0155", "Oslo", -20, 40, "120", ""),
        ("Kjøkkenrenovering", "Thereses gate 8", "0358", "Oslo", -60, 45, "200", ""),
        ("Tilbygg garasje", "Bekkeveien 3", "1396", "Billingstad", -5, 90, "350", ""),
        ("Varmepumpe og nytt sikringsskap", "Kirkeveien 45", "0368", "Oslo", 7, 10, "16", ""),
        ("Takutskifting", "Løkkeveien 22", "1337", "Sandvika", -90, 30, "400", "done"),
        ("Etterisolering loft", "Solbergliveien 5", "0671", "Oslo", -14, 21, "60", ""),
        ("Terrasse og rekkverk", "Fjordveien 88", "1363", "Høvik", 14, 20, "80", ""),
        (
            "Serviceavtale ventilasjon",
            "Drammensveien 130",
            "0277",
            "Oslo",
            -30,
            365,
            "40",
            "chosen: ansatt@demo.no",
        ),
        ("Oppussing leilighet", "Grünerløkka 4", "0552", "Oslo", -3, 60, "150", ""),
        ("Nytt elektrisk anlegg", "Hovedgata 1", "2000", "Lillestrøm", 30, 60, None, ""),
    ],
    "annen": [
        ("Rørlegging nybygg", "Industriveien 7", "1481", "Hagan", -10, 50, "220", ""),
        ("Bytte vinduer", "Skogveien 19", "1430", "Ås", 3, 14, "45", ""),
        ("Gammelt lager", "Havnegata 2", "3015", "Drammen", -200, 30, "90", "done"),
    ],
}


def load(firms):
    """Create the demo projects of each firm that has none yet (idempotent)."""
    today = timezone.localdate()
    for key, specs in PROJECTS.items():
        firm = firms.get(key)
        if firm is None:
            continue
        company = firm["company"]
        if Project.objects.filter(company=company).exists():
            continue
        customers = list(
            Customer.objects.filter(company=company, deleted_at__isnull=True).order_by(
                "-is_active", "number"
            )
        )
        admin = next(iter(firm["users"].values()), None)
        for index, (name, address, code, place, start, days, estimate, extra) in enumerate(specs):
            start_date = today + datetime.timedelta(days=start)
            project = Project.objects.create(
                company=company,
                number=1001 + index,
                name=name,
                customer=customers[index % len(customers)] if customers else None,
                address=address,
                postal_code=code,
                postal_place=place,
                start_date=start_date,
                end_date=start_date + datetime.timedelta(days=days),
                estimated_hours=Decimal(estimate) if estimate else None,
                status=ProjectStatus.DONE if extra == "done" else ProjectStatus.IN_PROGRESS,
                access=ProjectAccess.SELECTED if extra.startswith("chosen:") else ProjectAccess.ALL,
                created_by=admin,
                updated_by=admin,
            )
            if extra.startswith("chosen:"):
                for email in extra.removeprefix("chosen:").split(","):
                    user = firm["users"].get(email.strip())
                    if user is not None:
                        ProjectMember.objects.create(company=company, project=project, user=user)

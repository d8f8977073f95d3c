"""Demo customers: about 30 realistic Norwegian customers per demo firm."""

from stdnum.no import orgnr

from accounts.permissions import Role

from . import services
from .models import Customer, CustomerKind, search_key

PLACES = [
    ("0150", "Oslo"),
    ("0462", "Oslo"),
    ("5003", "Bergen"),
    ("7011", "Trondheim"),
    ("4006", "Stavanger"),
    ("9008", "Tromsø"),
    ("3015", "Drammen"),
    ("1606", "Fredrikstad"),
    ("2317", "Hamar"),
    ("4610", "Kristiansand"),
    ("1530", "Moss"),
    ("3717", "Skien"),
]
STREETS = [
    "Storgata",
    "Kirkegata",
    "Fjordveien",
    "Skolegata",
    "Bjørkeveien",
    "Solbakken",
    "Industriveien",
    "Havnegata",
    "Løkkeveien",
    "Granåsen",
]
# (name, contact person, contact title)
COMPANIES = [
    ("Nordlys Eiendom AS", "Hilde Strand", "Eiendomssjef"),
    ("Fjellheim Borettslag", "Terje Lunde", "Styreleder"),
    ("Bakeriet på Hjørnet AS", "Mona Aasen", "Daglig leder"),
    ("Vestland Tannklinikk AS", "Eirik Solheim", "Kontorleder"),
    ("Sameiet Kirkegata 12", "Randi Fossum", "Styreleder"),
    ("Åsen Barnehage SA", "Linn Haugen", "Styrer"),
    ("Brødrene Dahl Utleie AS", "Kjetil Dahl", "Daglig leder"),
    ("Trøndelag Treningssenter AS", "Marius Berge", "Driftsansvarlig"),
    ("Havblikk Restaurant AS", "Siri Nygård", "Innehaver"),
    ("Kvamme Regnskap AS", "Gunnar Kvamme", "Partner"),
    ("Solsiden Sameie", "Anne Lise Eide", "Forretningsfører"),
    ("Østfold Bilsenter AS", "Tor Even Moe", "Verkstedsjef"),
    ("Lillevik Hytteutleie AS", "Ingunn Lillevik", "Daglig leder"),
    ("Grønn Gartneri AS", "Øystein Rød", "Driftsleder"),
    ("Nordic Kontorhotell AS", "Camilla Ødegård", "Senterleder"),
    ("Skien Frisørsalong AS", "Nina Tveit", "Innehaver"),
    ("Bergen Sjømat AS", "Arne Hovland", "Innkjøpssjef"),
    ("Tromsø Kjøl og Frys AS", "Lars Ivar Olsen", "Teknisk sjef"),
    ("Hamar Idrettslag", "Petter Bakken", "Daglig leder"),
    ("Fredrikstad Menighetsråd", "Elin Karlsen", "Kirkeverge"),
    ("Moss Marina AS", "Vegard Holm", "Havnesjef"),
    ("Kristiansand Kro AS", "Janne Birkeland", "Daglig leder"),
]
PERSONS = [
    "Kari Nordmann",
    "Ola Hansen",
    "Ingrid Johansen",
    "Bjørn Åsheim",
    "Marte Kristiansen",
    "Håkon Løvås",
    "Sigrid Pedersen",
    "Nils Ødegaard",
    "Astrid Berg",
    "Jørgen Sæther",
    "Tone Myhre",
    "Even Fjeld",
]


def _org_number(seed):
    """A valid organisation number (mod 11 check digit) from an 8-digit seed."""
    base = int(f"9{seed:07d}")
    while True:
        for check in range(10):
            number = f"{base}{check}"
            if orgnr.is_valid(number):
                return number
        base += 1


def _phone(index):
    """A Norwegian mobile number (4xx xx xxx or 9xx xx xxx) in E.164."""
    return f"+47{9 if index % 2 else 4}{(index * 7919) % 10_000_000:07d}"


def _email(name, domain=None):
    local = search_key(name).replace(" ", ".")
    return f"{local}@{domain or 'epost.no'}"


def _customers(offset):
    """About 30 customers: companies with contacts, private persons, a few inactive."""
    specs = []
    for i, (name, contact, title) in enumerate(COMPANIES[offset : offset + 18]):
        domain = search_key(name.split()[0]) + ".no"
        specs.append(
            {
                "data": {
                    "name": name,
                    "kind": CustomerKind.COMPANY,
                    "org_number": _org_number(1_000_000 + 3_701 * (i + offset)),
                    "email": f"post@{domain}",
                    "phone": _phone(i + offset),
                    "invoice_address": f"faktura@{domain}" if i % 3 == 0 else "",
                    "note": "Nøkkel hos vaktmester." if i % 5 == 0 else "",
                },
                "contacts": [{"name": contact, "title": title, "email": _email(contact, domain)}],
                "active": i not in (4, 11),
            }
        )
    for i, name in enumerate(PERSONS[: 12 - offset // 2]):
        specs.append(
            {
                "data": {
                    "name": name,
                    "kind": CustomerKind.PERSON,
                    "email": _email(name) if i % 3 else "",
                    "phone": _phone(100 + i + offset),
                    "note": "Ønsker befaring før tilbud." if i % 4 == 0 else "",
                },
                "contacts": [],
                "active": i != 7,
            }
        )
    for i, spec in enumerate(specs):
        postal_code, place = PLACES[(i + offset) % len(PLACES)]
        spec["data"].update(
            address=f"{STREETS[i % len(STREETS)]} {3 + (i * 7) % 60}",
            postal_code=postal_code,
            postal_place=place,
        )
    return specs


def load(firms):
    """Create the demo firms' customers. Idempotent: a firm that has customers is
    left as it is."""
    for offset, key in ((0, "demo"), (4, "annen")):
        firm = firms.get(key)
        if firm is None or Customer.objects.filter(company=firm["company"]).exists():
            continue
        users = list(firm["users"].values())
        by = next((u for u in users if u.role == Role.ADMIN), users[0])
        for spec in _customers(offset):
            customer = services.customer_create(
                company=firm["company"], by=by, data=spec["data"], contacts=spec["contacts"]
            )
            if not spec["active"]:
                services.customer_set_active(customer=customer, by=by, active=False)

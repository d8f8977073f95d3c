"""Demo firms and users (for trying the product by hand and for browser tests)."""

from decimal import Decimal

from django.contrib.auth.hashers import make_password

from .models import Company, User
from .permissions import Role

PASSWORD = "svenn-demo-2026"
# The demo password before passwords needed 12 characters: a demo database made then
# gets the new one, so the README's password works there too.
FORMER_PASSWORD = "svenn-demo"

FIRMS = [
    {
        "key": "demo",
        "name": "Demo Bygg AS",
        "org_number": "923609016",
        "hourly_rate": Decimal("950"),
        "users": [
            ("admin@demo.no", "Ingrid Berg", Role.ADMIN, "+4791234567"),
            ("moderator@demo.no", "Lars Moen", Role.MODERATOR, "+4792345678"),
            ("ansatt@demo.no", "Per Hansen", Role.EMPLOYEE, "+4793456789"),
            ("ansatt2@demo.no", "Sofie Lie", Role.EMPLOYEE, "+4794567890"),
        ],
    },
    {
        "key": "annen",
        "name": "Annen Firma AS",
        "org_number": "914778271",
        "hourly_rate": Decimal("875"),
        "users": [("admin@annen.no", "Ola Nilsen", Role.ADMIN, "+4795678901")],
    },
]


def load():
    """Create the demo firms and users if missing; return {key: {"company", "users"}}.

    Idempotent: existing firms and users are found by name and e-mail, and left as
    they are (a password someone changed stays changed; only the former demo password
    is replaced).
    """
    password = make_password(PASSWORD)
    firms = {}
    for spec in FIRMS:
        company, _ = Company.objects.get_or_create(
            name=spec["name"],
            defaults={"org_number": spec["org_number"], "hourly_rate": spec["hourly_rate"]},
        )
        users = {}
        for email, name, role, phone in spec["users"]:
            user, created = User.objects.get_or_create(
                email=email,
                defaults={
                    "name": name,
                    "role": role,
                    "phone": phone,
                    "company": company,
                    "password": password,
                },
            )
            if not created and user.check_password(FORMER_PASSWORD):
                user.password = password
                user.save(update_fields=["password"])
            users[email] = user
        firms[spec["key"]] = {"company": company, "users": users}
    return firms

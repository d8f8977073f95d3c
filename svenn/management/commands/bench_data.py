"""Fill a database with a big-firm data set for `make bench` (see `make bench-data`).

One big firm (20,000 customers, 40,000 contact persons, 2,000 projects, 300 users,
2,000,000 time entries over five years) and 200 small firms (50 customers, 20
projects, 10 users, 2,000 entries each). ``--scale N`` loads N of that shape (N big
firms, 200·N small ones): the first big and the first small firm are the same rows at
every scale, so `make bench` compares the same pages over N times the data.
``--size`` multiplies every count of the shape (the tests load a tiny one).
Each firm has prices (its own, its first customer's, every tenth project's), a cost per
hour for each employee, and materials and driving on some entries; its first customer
("the key customer") has ten projects and one in a hundred of the hours: 20,000 in the
big firm, the invoice basis `make bench` measures.
Deterministic from ``--seed``; bulk-loaded with COPY. Without ``--force`` an existing
data set is reused.
"""

import random
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pghistory
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django_scopes import scopes_disabled
from pghistory.core import event_models
from stdnum.no import orgnr
from tqdm import tqdm

from accounts.demo import PASSWORD
from accounts.models import Company, User
from accounts.permissions import Role
from core import history
from customers.models import ContactPerson, Customer, CustomerKind, search_key
from invoicing.models import JobLine, Kind, Unit
from projects.models import Project, ProjectAccess, ProjectMember, ProjectStatus
from timesheets.models import (
    APPROVAL_SQL,
    BILLING_STATE_SQL,
    DAY_KEY,
    KEPT_HOURS,
    TALLY_KEY,
    DayTally,
    EntryTally,
    TimeEntry,
)

BIG_FIRM = "Storbygg Entreprenør AS"
SMALL_FIRM_PREFIX = "Småbygg"
STAFF_EMAIL = "staff@svenn.no"
TODAY = date(2026, 11, 26)
YEARS = 5
# The share of open entries their owner deleted (soft delete: the rows stay).
DELETED_ENTRIES = 0.02
# The key customer: customer number 1 of each firm, with projects 1 to KEY_PROJECTS (one
# in ten of a smaller firm's). KEY_SHARE of the hours go to them, besides the 0.45 % its
# projects draw among the big firm's 2,000: one in a hundred, 20,000 hours.
KEY_PROJECTS = 10
KEY_SHARE = 0.0055
HOURLY_RATE, KEY_CUSTOMER_RATE, PROJECT_RATE = Decimal(950), Decimal(1100), Decimal(1250)
RATE_PER_KM = Decimal("4.50")
HOURLY_COSTS = [Decimal(450), Decimal(520), Decimal(610)]
# Of the entries (by id): one in MATERIAL_EVERY has a materials line, one in
# DRIVING_EVERY a driving line; one materials line in UNPRICED_EVERY has no price yet.
MATERIAL_EVERY, DRIVING_EVERY, UNPRICED_EVERY = 20, 33, 10
MATERIALS = [
    ("Gipsplate 12,5 mm", Unit.PIECE),
    ("Kobberrør 15 mm", Unit.METRE),
    ("Fliselim", Unit.KILO),
    ("Membran", Unit.SQUARE_METRE),
    ("Skruer 4x40", Unit.PACK),
]

FIRST = [
    "Ole",
    "Per",
    "Lars",
    "Jan",
    "Kari",
    "Anne",
    "Ingrid",
    "Marit",
    "Nils",
    "Hans",
    "Knut",
    "Arne",
    "Jon",
    "Bjørn",
    "Eva",
    "Liv",
    "Sofie",
    "Emma",
    "Nora",
    "Ida",
    "Jonas",
    "Emil",
    "Magnus",
    "Henrik",
    "Sander",
    "Mathias",
    "Tobias",
    "Sindre",
    "Åse",
    "Øystein",
    "Gro",
    "Solveig",
    "Tone",
    "Randi",
    "Håkon",
    "Eirik",
    "Jørgen",
    "Kristin",
    "Hilde",
    "Silje",
    "Torbjørn",
    "Ragnhild",
    "Aud",
]
LAST = [
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Pedersen",
    "Nilsen",
    "Kristiansen",
    "Jensen",
    "Karlsen",
    "Johnsen",
    "Pettersen",
    "Eriksen",
    "Berg",
    "Haugen",
    "Hagen",
    "Johannessen",
    "Andreassen",
    "Jacobsen",
    "Dahl",
    "Jørgensen",
    "Halvorsen",
    "Henriksen",
    "Lund",
    "Sørensen",
    "Moen",
    "Gundersen",
    "Iversen",
    "Strand",
    "Solberg",
    "Svendsen",
    "Eide",
    "Knutsen",
    "Martinsen",
    "Paulsen",
    "Bakken",
    "Kristoffersen",
    "Mathisen",
    "Lie",
    "Amundsen",
    "Nordmann",
    "Rønning",
    "Aasen",
    "Ødegård",
    "Sæther",
    "Bråten",
    "Kvamme",
    "Fjeld",
    "Nygård",
    "Røed",
]
TRADES = [
    "Bygg",
    "Rør",
    "Elektro",
    "Maler",
    "Tak",
    "Eiendom",
    "Entreprenør",
    "Snekkeri",
    "Betong",
    "Ventilasjon",
]
FORMS = ["AS", "AS", "AS", "ANS", "Eiendom AS", "Holding AS"]
STREETS = [
    "Storgata",
    "Kirkeveien",
    "Skogveien",
    "Fjordgata",
    "Bakkeveien",
    "Solbergveien",
    "Industriveien",
    "Sjøgata",
    "Parkveien",
    "Havnegata",
    "Granveien",
    "Bjørkeveien",
    "Eikeveien",
    "Strandveien",
    "Åsveien",
]
PLACES = [
    ("0150", "Oslo"),
    ("0565", "Oslo"),
    ("1337", "Sandvika"),
    ("1405", "Langhus"),
    ("2000", "Lillestrøm"),
    ("3015", "Drammen"),
    ("4006", "Stavanger"),
    ("5003", "Bergen"),
    ("6002", "Ålesund"),
    ("7010", "Trondheim"),
    ("8006", "Bodø"),
    ("9008", "Tromsø"),
    ("1530", "Moss"),
    ("3210", "Sandefjord"),
    ("4610", "Kristiansand"),
]
WORK = [
    "Riving av gammelt bad",
    "Montering av gipsplater",
    "Legging av parkett",
    "Rørlegging kjøkken",
    "Elektrisk anlegg, nye kurser",
    "Maling av fasade",
    "Taktekking",
    "Befaring og måling",
    "Støping av såle",
    "Montering av vinduer",
    "Flislegging bad",
    "Opprydding byggeplass",
    "Kjøring av materialer",
    "",
]
PROJECT_KINDS = [
    "Nytt bad",
    "Tilbygg",
    "Rehabilitering",
    "Nytt kjøkken",
    "Fasade",
    "Takarbeid",
    "Garasje",
    "Loftsutbygging",
    "Drenering",
    "Ny enebolig",
]


class Loader:
    def __init__(self, rng, password_hash, progress):
        self.rng = rng
        self.password_hash = password_hash
        self.progress = progress
        self.org_numbers = set()

    # --- names and numbers -------------------------------------------------------
    def person(self):
        return f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"

    def org_number(self):
        """A valid org. no. not given before: one per company in a firm (a unique
        constraint), so never twice here."""
        while True:
            base = f"{self.rng.randint(80000000, 99999999)}"
            for digit in "0123456789":
                number = base + digit
                if orgnr.is_valid(number) and number not in self.org_numbers:
                    self.org_numbers.add(number)
                    return number

    def phone(self):
        return f"+47{self.rng.choice('49')}{self.rng.randint(0, 9999999):07d}"

    def address(self):
        code, place = self.rng.choice(PLACES)
        return f"{self.rng.choice(STREETS)} {self.rng.randint(1, 120)}", code, place

    # --- bulk loading ------------------------------------------------------------
    def copy(self, model, columns, rows):
        table = model._meta.db_table
        cursor = connection.connection.cursor()
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                self.progress.update(1)

    def ids_by(self, model, company, key):
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {key}, id FROM {table} WHERE company_id = %s", [company.pk])  # noqa: S608
            return dict(cursor.fetchall())

    # --- one firm ----------------------------------------------------------------
    def firm(self, *, name, domain, customers, contacts, projects, users, entries):
        rng = self.rng
        company = Company.objects.create(
            name=name, org_number=self.org_number(), hourly_rate=HOURLY_RATE,
            rate_per_km=RATE_PER_KM,
        )  # fmt: skip
        people = [
            User(
                email=email,
                name=self.person(),
                company=company,
                role=role,
                phone=self.phone(),
                password=self.password_hash,
                hourly_cost=rng.choice(HOURLY_COSTS),
            )
            for email, role in [
                (f"admin@{domain}", Role.ADMIN),
                (f"moderator@{domain}", Role.MODERATOR),
                (f"ansatt@{domain}", Role.EMPLOYEE),
            ]
        ]
        people += [
            User(
                email=f"ansatt{n}@{domain}",
                name=self.person(),
                company=company,
                role=Role.EMPLOYEE,
                phone=self.phone(),
                password=self.password_hash,
                hourly_cost=rng.choice(HOURLY_COSTS),
                is_active=rng.random() > 0.05,
            )
            for n in range(2, users - 1)
        ]
        people = User.objects.bulk_create(people)
        self.progress.update(len(people))
        admin = people[0]
        now = datetime.now(UTC)

        contact_names = {n: [] for n in range(1, customers + 1)}
        for _ in range(contacts):
            contact_names[rng.randint(1, customers)].append(self.person())
        customer_rows = []
        for number in range(1, customers + 1):
            is_company = rng.random() < 0.7
            if is_company:
                cname = f"{rng.choice(LAST)} {rng.choice(TRADES)} {rng.choice(FORMS)}"
                org, kind = self.org_number(), CustomerKind.COMPANY
            else:
                cname, org, kind = self.person(), "", CustomerKind.PERSON
            email = f"post{number}@{cname.split()[0].lower()}.no"
            phone = self.phone()
            street, code, place = self.address()
            roll = 1 if number == 1 else rng.random()  # the key customer is in use
            deleted = now if roll < 0.02 else None
            active = not (0.02 <= roll < 0.12)
            search = search_key(
                " ".join([cname, str(number), org, email, phone, *contact_names[number]])
            )
            customer_rows.append(
                (
                    company.pk,
                    number,
                    cname,
                    kind,
                    org,
                    email,
                    phone,
                    street,
                    code,
                    place,
                    "",
                    "",
                    active,
                    search,
                    1,
                    now,
                    admin.pk,
                    now,
                    admin.pk,
                    deleted,
                    admin.pk if deleted else None,
                    KEY_CUSTOMER_RATE if number == 1 else None,
                )
            )
        self.copy(
            Customer,
            [
                "company_id",
                "number",
                "name",
                "kind",
                "org_number",
                "email",
                "phone",
                "address",
                "postal_code",
                "postal_place",
                "invoice_address",
                "note",
                "is_active",
                "search_text",
                "version",
                "created_at",
                "created_by_id",
                "updated_at",
                "updated_by_id",
                "deleted_at",
                "deleted_by_id",
                "hourly_rate",
            ],
            customer_rows,
        )
        customer_ids = self.ids_by(Customer, company, "number")
        self.copy(
            ContactPerson,
            ["company_id", "customer_id", "name", "title", "phone", "email"],
            (
                (company.pk, customer_ids[number], person, "", self.phone(), "")
                for number, names in contact_names.items()
                for person in names
            ),
        )
        alive = [customer_ids[row[1]] for row in customer_rows if row[19] is None]  # not deleted

        start = TODAY - timedelta(days=365 * YEARS)
        key_projects = min(KEY_PROJECTS, max(1, projects // 10))
        project_rows = []
        for number in range(1, projects + 1):
            begins = start + timedelta(days=rng.randint(0, 365 * YEARS - 30))
            ends = begins + timedelta(days=rng.randint(14, 240))
            street, code, place = self.address()
            project_rows.append(
                (
                    company.pk,
                    number,
                    f"{rng.choice(PROJECT_KINDS)} {rng.choice(STREETS)}",
                    customer_ids[1] if number <= key_projects else rng.choice(alive),
                    street,
                    code,
                    place,
                    begins,
                    ends,
                    Decimal(rng.randint(20, 800)),
                    "",
                    ProjectStatus.DONE
                    if ends < TODAY - timedelta(days=30)
                    else ProjectStatus.IN_PROGRESS,
                    ProjectAccess.SELECTED if number % 5 == 0 else ProjectAccess.ALL,
                    1,
                    now,
                    admin.pk,
                    now,
                    admin.pk,
                    PROJECT_RATE if number % 10 == 0 else None,
                )
            )
        self.copy(
            Project,
            [
                "company_id",
                "number",
                "name",
                "customer_id",
                "address",
                "postal_code",
                "postal_place",
                "start_date",
                "end_date",
                "estimated_hours",
                "description",
                "status",
                "access",
                "version",
                "created_at",
                "created_by_id",
                "updated_at",
                "updated_by_id",
                "hourly_rate",
            ],
            project_rows,
        )
        project_ids = self.ids_by(Project, company, "number")
        project_customer = {project_ids[row[1]]: row[3] for row in project_rows}
        members = []
        for row in project_rows:
            if row[12] == ProjectAccess.SELECTED:
                chosen = rng.sample(people, min(len(people), rng.randint(3, 10)))
                members += [(company.pk, project_ids[row[1]], user.pk) for user in chosen]
        self.copy(ProjectMember, ["company_id", "project_id", "user_id"], members)

        workers = list(people)
        per_user = max(1, entries // len(workers))
        days = [start + timedelta(days=n) for n in range(365 * YEARS)]
        weekdays = [day for day in days if day.weekday() < 5]
        pids = list(project_ids.values())
        key_pids = [project_ids[number] for number in range(1, key_projects + 1)]
        approve_before = TODAY - timedelta(days=14)

        def entry_rows():
            made = 0
            for index, user in enumerate(workers):
                count = per_user if index < len(workers) - 1 else entries - made
                for day in sorted(rng.choices(weekdays, k=count)):
                    if rng.random() < KEY_SHARE:
                        pid = rng.choice(key_pids)
                    else:
                        pid = rng.choice(pids) if rng.random() < 0.9 else None
                    cid = project_customer[pid] if pid else rng.choice(alive)
                    approved = day < approve_before and rng.random() < 0.97
                    # Now and then an open entry is deleted: lists and totals skip it.
                    deleted = not approved and rng.random() < DELETED_ENTRIES
                    stamp = datetime.combine(day, time(16, 0), tzinfo=UTC)
                    yield (
                        company.pk,
                        user.pk,
                        day,
                        Decimal(rng.choice((1, 1.5, 2, 2.5, 3, 4, 7.5))),
                        pid,
                        cid,
                        rng.choice(WORK),
                        stamp + timedelta(days=3) if approved else None,
                        admin.pk if approved else None,
                        1,
                        stamp,
                        user.pk,
                        stamp,
                        admin.pk if approved else user.pk,
                        stamp + timedelta(hours=1) if deleted else None,
                        user.pk if deleted else None,
                    )
                made += count

        self.copy(
            TimeEntry,
            [
                "company_id",
                "user_id",
                "date",
                "hours",
                "project_id",
                "customer_id",
                "description",
                "approved_at",
                "approved_by_id",
                "version",
                "created_at",
                "created_by_id",
                "updated_at",
                "updated_by_id",
                "deleted_at",
                "deleted_by_id",
            ],
            entry_rows(),
        )
        return company

    def job_lines(self):
        """Materials on one entry in MATERIAL_EVERY, driving on one in DRIVING_EVERY
        (picked by id), made from every firm's entries in one statement. The line's
        customer, day and billing state are its entry's, as the triggers of invoicing
        0006 to 0008 would set them."""
        names = ", ".join(f"'{name}'" for name, _unit in MATERIALS)
        units = ", ".join(f"'{unit}'" for _name, unit in MATERIALS)
        columns = (
            "version, created_at, updated_at, created_by_id, updated_by_id, company_id, user_id, "
            "entry_id, customer_id, day, state, kind, description, quantity, unit, route, "
            "unit_price"
        )
        common = (
            "1, e.created_at, e.created_at, e.user_id, e.user_id, e.company_id, e.user_id, e.id,"
            f" e.customer_id, e.date, {BILLING_STATE_SQL}"
        )
        n = len(MATERIALS)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO {JobLine._meta.db_table} ({columns})
                SELECT {common}, %(material)s, (ARRAY[{names}])[1 + e.id %% {n}],
                       1 + e.id %% 7, (ARRAY[{units}])[1 + e.id %% {n}], '',
                       CASE WHEN e.id / {MATERIAL_EVERY} %% {UNPRICED_EVERY} = 0 THEN NULL
                            ELSE 49.90 + (e.id %% 13) * 10 END
                FROM {TimeEntry._meta.db_table} e
                WHERE e.deleted_at IS NULL AND e.id %% {MATERIAL_EVERY} = 3
                UNION ALL
                SELECT {common}, %(driving)s, '', 5 + e.id %% 60, %(km)s,
                       'Lager – ' || e.description, NULL
                FROM {TimeEntry._meta.db_table} e
                WHERE e.deleted_at IS NULL AND e.id %% {DRIVING_EVERY} = 5""",  # noqa: S608
                {
                    "material": Kind.MATERIAL,
                    "driving": Kind.DRIVING,
                    "km": Unit.KM,
                },
            )
            self.progress.update(cursor.rowcount)

    def kept_hours(self):
        """The hours the database keeps per project and per customer (KEPT_HOURS) and
        its tallies of the entries (EntryTally, DayTally), as the held-off triggers of
        the entries would have added them up: one grouped INSERT each over every firm."""
        entries = TimeEntry._meta.db_table
        with connection.cursor() as cursor:
            for model, key in KEPT_HOURS:
                cursor.execute(
                    f"""INSERT INTO {model._meta.db_table} ({key}, hours)
                    SELECT {key}, SUM(hours) FROM {entries}
                    WHERE deleted_at IS NULL AND {key} IS NOT NULL
                    GROUP BY {key}"""  # noqa: S608
                )
            cursor.execute(
                f"""INSERT INTO {EntryTally._meta.db_table} ({TALLY_KEY}, entries)
                SELECT customer_id, project_id, hours, {BILLING_STATE_SQL}, COUNT(*)
                FROM {entries}
                WHERE deleted_at IS NULL AND (customer_id IS NOT NULL OR project_id IS NOT NULL)
                GROUP BY 1, 2, 3, 4"""  # noqa: S608
            )
            cursor.execute(
                f"""INSERT INTO {DayTally._meta.db_table} ({DAY_KEY}, hours, entries)
                SELECT company_id, date, user_id, {APPROVAL_SQL}, SUM(hours), COUNT(*)
                FROM {entries} WHERE deleted_at IS NULL
                GROUP BY 1, 2, 3, 4"""  # noqa: S608
            )

    def interleave_customers(self):
        """Lay the customers out as firms that grew side by side over years leave them:
        every firm's customer 1, then every firm's customer 2, and so on. Loaded firm by
        firm, a firm's customers lay together (a correlation of 1 with the firm), so the
        planner costed reading all 20,000 of a big firm as cheap and walked them for a
        search instead of taking the trigram index; no firm's table looks like that."""
        table = Customer._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # CLUSTER wants none pending
            cursor.execute(f"CREATE INDEX bench_interleave ON {table} (number, company_id)")
            cursor.execute(f"CLUSTER {table} USING bench_interleave")
            cursor.execute("DROP INDEX bench_interleave")


def is_superuser():
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        return cursor.fetchone()[0]


@contextmanager
def triggers_off():
    """No trigger fires while the data set loads: each table's history events are
    written afterwards in one INSERT ... SELECT, and the loader sets what the other
    triggers would (a job line's customer).

    As a superuser, ``session_replication_role = replica`` (as pg_restore's
    --disable-triggers) holds off the foreign-key checks too, which on 20,000,000 rows
    cost more than the load itself: the rows are made from the ids just read back, so
    they hold. Otherwise only the history triggers are held off (pgtrigger's ignore
    list) and the keys are checked."""
    with connection.cursor() as cursor:
        if is_superuser():
            cursor.execute("SET LOCAL session_replication_role = replica")
            yield
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
            return
        tables = [events.pgh_tracked_model._meta.db_table for events in event_models()]
        cursor.execute(
            "SELECT set_config('pgtrigger.ignore', array_agg(tgname)::text, true)"
            " FROM pg_trigger WHERE NOT tgisinternal AND tgrelid::regclass::text = ANY(%s)",
            [tables],
        )
        yield
        cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")


# The tables of millions of rows, whose indexes are built after the load, once.
BIG_TABLES = [TimeEntry, JobLine]


@contextmanager
def indexes_built_after():
    """Drop the indexes of BIG_TABLES and their event tables that no constraint holds
    (a unique or primary key stays), and build them again after the load: one sorted
    build each instead of a random insert per row per index."""
    events = [events for model in BIG_TABLES for events in event_models(tracks_model=model)]
    tables = [model._meta.db_table for model in [*BIG_TABLES, *events]]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i"
            " WHERE i.indrelid::regclass::text = ANY(%s) AND NOT EXISTS"
            " (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
        yield
        # Deferred key checks still pending would forbid the build: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        for _name, definition in indexes:
            cursor.execute(definition)


class Command(BaseCommand):
    help = "Fill the database with the benchmark data set (a big firm and many small ones)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=int, default=1, help="Load this many of the firm shape."
        )
        parser.add_argument(
            "--size", type=float, default=1.0, help="Multiply every count of the shape."
        )
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--force", action="store_true", help="Replace existing data.")

    def handle(self, *args, scale, size, seed, force, **options):
        with scopes_disabled():
            if Company.objects.filter(name=BIG_FIRM).exists() and not force:
                self.stdout.write(
                    "The benchmark data set is already there (use --force to rebuild)."
                )
                return
            if force:
                call_command("flush", "--noinput", verbosity=0)

            def n(count, least=1):
                return max(least, round(count * size))

            small_firms = n(200)
            big = {
                "customers": n(20_000, 10),
                "contacts": n(40_000, 10),
                "projects": n(2_000, 5),
                "users": n(300, 5),
                "entries": n(2_000_000, 100),
            }
            small = {
                "customers": n(50, 10),
                "contacts": n(100, 10),
                "projects": n(20, 5),
                "users": 10,
                "entries": n(2_000, 100),
            }
            # Rows of each kind, and the customers' numbers read back; the job lines
            # (about one entry in 13) follow the entries.
            shape = (
                sum(big.values())
                + big["customers"]
                + small_firms * (sum(small.values()) + small["customers"])
            )
            entries = big["entries"] + small_firms * small["entries"]
            total = scale * (shape + entries // 13)
            rng = random.Random(seed)
            with tqdm(total=total, unit="rows", unit_scale=True, desc="bench data") as progress:
                loader = Loader(rng, make_password(PASSWORD), progress)
                with (
                    pghistory.context(command="bench_data"),
                    transaction.atomic(),
                    triggers_off(),
                    indexes_built_after(),
                ):
                    User.objects.create_superuser(
                        email=STAFF_EMAIL, password=PASSWORD, name="Plattform Drift"
                    )
                    for copy in range(scale):
                        # The first copy's names are those of scale 1.
                        suffix = f" {copy + 1}" if copy else ""
                        loader.firm(
                            name=BIG_FIRM.replace(" AS", f"{suffix} AS"),
                            domain=f"stor{copy + 1 if copy else ''}.no",
                            **big,
                        )
                        numbers = range(copy * small_firms, (copy + 1) * small_firms)
                        for number in numbers:
                            loader.firm(
                                name=f"{SMALL_FIRM_PREFIX} {number + 1} AS",
                                domain=f"liten{number + 1}.no",
                                **small,
                            )
                    loader.job_lines()
                    loader.kept_hours()
                    loader.interleave_customers()
                    for events in event_models():
                        history.write_snapshots(
                            events.pgh_tracked_model,
                            events,
                            label=history.INSERT,
                            context={"command": "bench_data"},
                        )
            with connection.cursor() as cursor:
                # Statistics for the planner, and a visibility map for index-only scans.
                # (VACUUM cannot run inside a transaction, as in the tests.)
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self.stdout.write(self.style.SUCCESS("Benchmark data set ready."))

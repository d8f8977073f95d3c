"""Time "Importer kunder" on a file of many customers: ``make bench-import``.

Makes a CSV in the shape of an accounting system's export (every card field and a
contact person, valid org. nos. and phone numbers), then checks and imports it into a
new firm of the database it is given, and prints the seconds of each (and the CPU
seconds of this process: on a busy machine the two differ), the process's
peak resident size and, with ``--trace-memory`` (which slows Python down), the peak
memory Python allocated (tracemalloc).
"""

import csv
import io
import resource
import time
import tracemalloc

from django.core.management.base import BaseCommand
from django_scopes import scopes_disabled
from stdnum.no import orgnr

from accounts.models import Company, User
from accounts.permissions import Role
from customers import imports, services
from customers.models import Customer


def org_numbers(count):
    seed = 81_000_000
    while count:
        for digit in "0123456789":
            if orgnr.is_valid(f"{seed}{digit}"):
                yield f"{seed}{digit}"
                count -= 1
                break
        seed += 1


def customers_csv(rows):
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        [
            "Kundenummer",
            "Navn",
            "Organisasjonsnummer",
            "E-post",
            "Telefon",
            "Adresse",
            "Postnummer",
            "Poststed",
            "Notat",
            "Kontaktperson",
            "Kontaktperson telefon",
        ]
    )
    for index, number in enumerate(org_numbers(rows)):
        writer.writerow(
            [
                1000 + index,
                f"Kunde {index} Bygg og Rør AS",
                number,
                f"post{index}@kunde.no",
                f"+47 4{index % 10_000_000:07d}",
                f"Storgata {index % 200 + 1}",
                "0155",
                "Oslo",
                "Nøkkel hos naboen; ring først",
                f"Kontakt {index}",
                f"9{index % 10_000_000:07d}",
            ]
        )
    return out.getvalue().encode("utf-8")


class Command(BaseCommand):
    help = "Check and import a CSV of many customers into a new firm; print time and memory."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=20_000)
        parser.add_argument("--trace-memory", action="store_true")

    def handle(self, *args, rows, trace_memory, **options):
        data = customers_csv(rows)
        with scopes_disabled():
            company = Company.objects.create(name=f"Importtest {time.time():.0f}")
            user = User.objects.create_user(
                email=f"import-{company.pk}@example.no",
                name="Import",
                company=company,
                role=Role.ADMIN,
            )
            header = data.split(b"\r\n", 1)[0].decode().split(";")
            upload = services.customer_import_upload(
                company=company,
                by=user,
                filename="kunder.csv",
                data=data,
                mapping=imports.guess_mapping(header),
            )
            self.stdout.write(f"{rows} rows, {len(data) / 1024 / 1024:.1f} MB")
            for dry_run in (True, False):
                if trace_memory:
                    tracemalloc.start()
                started, cpu = time.perf_counter(), time.process_time()
                summary = imports.import_customers(upload, by=user, dry_run=dry_run)
                seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
                traced = ""
                if trace_memory:
                    traced = f", Python peak {tracemalloc.get_traced_memory()[1] / 2**20:.0f} MB"
                    tracemalloc.stop()
                self.stdout.write(
                    f"{'check' if dry_run else 'import'}: {seconds:.1f} s ({cpu:.1f} s of CPU)"
                    f"{traced}, "
                    f"created {summary['created']}, problems {summary['problem_rows']}"
                )
            created = Customer.objects.filter(company=company).count()
        peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(f"{created} customers in the firm; process peak RSS {peak_rss:.0f} MB")

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from svenn import pgtools


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into the database, which must be "
        "empty (a new database: nothing is overwritten)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .dump file written by `manage.py backup`.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such backup file: {path}")
        alias = "default"
        with connections[alias].cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
            )
            (tables,) = cursor.fetchone()
        connections[alias].close()
        if tables:
            raise CommandError(
                f"The database {settings.DATABASES[alias]['NAME']} is not empty ({tables} "
                "tables). Restore into a new, empty database."
            )
        result = pgtools.run(
            "pg_restore",
            [
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={settings.DATABASES[alias]['NAME']}",
                str(path),
            ],
            settings.DATABASES[alias],
        )
        if result.returncode != 0:
            raise CommandError(f"pg_restore failed: {result.stderr.strip()}")
        self.stdout.write(f"Restored {path} into {settings.DATABASES[alias]['NAME']}")

from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from svenn import pgtools


class Command(BaseCommand):
    help = "Write a pg_dump (custom format) of the database."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", help="File to write (default: .local/backups/svenn-<timestamp>.dump)."
        )

    def handle(self, *args, **options):
        output = options["output"]
        if not output:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            output = Path(settings.BASE_DIR) / ".local" / "backups" / f"svenn-{stamp}.dump"
        output = Path(output).resolve()
        output.parent.mkdir(parents=True, exist_ok=True)
        result = pgtools.run(
            "pg_dump",
            ["--format=custom", "--no-owner", "--no-privileges", f"--file={output}"],
            settings.DATABASES["default"],
        )
        if result.returncode != 0:
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        self.stdout.write(f"Backup written to {output} ({output.stat().st_size // 1024} KB)")

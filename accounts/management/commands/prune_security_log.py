from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts import security_log


class Command(BaseCommand):
    help = (
        "Delete security log events older than SECURITY_LOG_RETENTION_DAYS, in every firm. "
        "Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Keep this many days instead of SECURITY_LOG_RETENTION_DAYS.",
        )

    def handle(self, *args, days=None, **options):
        days = settings.SECURITY_LOG_RETENTION_DAYS if days is None else days
        if days < 1:
            raise CommandError("The security log is kept for at least one day.")
        deleted = security_log.prune(before=timezone.now() - timedelta(days=days))
        self.stdout.write(f"Deleted {deleted} security log events older than {days} days.")

from importlib import import_module

import pghistory
from django.core.management.base import BaseCommand
from django.db import transaction
from django_scopes import scopes_disabled

# Dependency order: each app's demo data may use what the previous ones made.
APPS = ["accounts", "customers", "projects", "timesheets", "worktime", "invoicing"]


class Command(BaseCommand):
    help = "Load the demo firms, users, customers, projects and hours (idempotent)."

    def handle(self, *args, **options):
        # The history names this command as the one that wrote the demo data.
        with scopes_disabled(), pghistory.context(command="demo"), transaction.atomic():
            firms = import_module("accounts.demo").load()
            for app in APPS[1:]:
                try:
                    module = import_module(f"{app}.demo")
                except ModuleNotFoundError as error:
                    if error.name != f"{app}.demo":
                        raise
                    continue
                module.load(firms)
        self.stdout.write("Demo data ready.")

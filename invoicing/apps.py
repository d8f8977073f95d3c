from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvoicingConfig(AppConfig):
    name = "invoicing"
    verbose_name = _("Invoicing")

    def ready(self):
        from core import panels
        from timesheets import driving

        from . import panels as invoicing
        from . import selectors

        panels.register("customers.card", invoicing.customer_amounts)
        panels.register("projects.card", invoicing.project_amounts)
        panels.register("projects.card", invoicing.project_lines)
        panels.register("timesheets.entry", invoicing.entry_lines)
        panels.register("timesheets.invoiced", invoicing.entry_invoiced)
        driving.register(selectors.driving_km)

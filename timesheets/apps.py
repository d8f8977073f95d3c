from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TimesheetsConfig(AppConfig):
    name = "timesheets"
    verbose_name = _("Hours")

    def ready(self):
        from core import panels

        from .panels import customer_hours, running_timer

        panels.register("customers.card", customer_hours)
        panels.register("base.header", running_timer)

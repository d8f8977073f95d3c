from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorktimeConfig(AppConfig):
    name = "worktime"
    verbose_name = _("Working time")

    def ready(self):
        from core import panels
        from timesheets import services as timesheets

        from . import panels as worktime
        from . import services

        panels.register("accounts.user", worktime.user_working_time)
        panels.register("accounts.firm", worktime.firm_overtime_rules)
        panels.register("timesheets.week", worktime.week_summary)
        timesheets.register_day_lock(services.week_lock)
        timesheets.register_day_check(services.absence_day_check)
        panels.register("timesheets.day", worktime.day_absence)

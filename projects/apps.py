from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")

    def ready(self):
        from core import panels

        from .panels import customer_projects

        panels.register("customers.card", customer_projects)

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class SvennConfig(AppConfig):
    """Project-wide pieces: the demo data command, shared template tags, locale."""

    name = "svenn"


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin, served by the site that requires a second factor for staff
    (svenn/admin_site.py); named in INSTALLED_APPS instead of django.contrib.admin."""

    default = False
    default_site = "svenn.admin_site.AdminSite"

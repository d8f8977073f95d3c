from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    """Domain-free pieces every app builds on: tenancy, base models, the page and save
    helpers, form widgets, middleware, validators and template tags. It imports no
    domain app (docs/architecture.md)."""

    name = "core"

    def ready(self):
        # Each app registers its kinds of job in its jobs.py (core.jobs), as its queue
        # tasks in tasks.py: in the web servers for the job pages, in the workers to run them.
        autodiscover_modules("jobs")

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Domain-free pieces every app builds on: tenancy, base models, the page and save
    helpers, form widgets, middleware, validators and template tags. It imports no
    domain app (docs/architecture.md)."""

    name = "core"

from django.apps import AppConfig


class SvennConfig(AppConfig):
    """Project-wide pieces: the demo data command, shared template tags, locale."""

    name = "svenn"

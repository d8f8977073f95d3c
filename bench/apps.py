from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark's floor view and its template; installed by bench.settings only."""

    name = "bench"

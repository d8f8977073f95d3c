"""Sections a higher app adds to a lower app's page.

The customer card (customers) shows the customer's projects and hours, which live in
apps above it; customers may not import them, in Python or in templates
(docs/architecture.md). So the higher app registers a panel for a named slot in its
``AppConfig.ready()``, and the page renders the slot: ``{% panels "customers.card"
customer %}`` (core's template tags). A panel is ``panel(request, obj) -> HTML``; what
else the slot names (``{% panels "timesheets.week" subject week=week %}``) comes as
keyword arguments.
"""

from django.utils.html import format_html_join

_SLOTS = {}


def register(slot, panel):
    _SLOTS.setdefault(slot, []).append(panel)


def render(slot, request, obj, **extra):
    """Every panel of ``slot`` for ``obj``, in the order the apps registered them."""
    panels = _SLOTS.get(slot, ())
    return format_html_join("", "{}", ((panel(request, obj, **extra),) for panel in panels))

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import permissions as perms

# The main menu: (URL name, label, the permission that shows it).
MENU = [
    ("customers:list", _("Customers"), perms.CUSTOMERS_VIEW),
    ("projects:list", _("Projects"), perms.PROJECTS_VIEW),
    ("timesheets:week", _("Hours"), perms.HOURS_LOG),
    ("worktime:absences", _("Absence"), perms.ABSENCE_REQUEST),
    ("worktime:balances", _("Working time"), perms.WORKTIME_VIEW_ALL),
    ("invoicing:basis", _("Invoice basis"), perms.INVOICE_BASIS),
    ("accounts:users", _("Employees"), perms.USERS_MANAGE),
]


def menu(request):
    """The menu items the user may see, worked out once per request: every panel and
    partial rendered with the request runs the context processors again (a week's
    page renders nine), and reversing seven URLs each time cost a millisecond."""
    items = getattr(request, "_menu", None)
    if items is None:
        items = request._menu = _menu_items(request)
    return {"menu": items}


def _menu_items(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items = []
    for url_name, label, perm in MENU:
        if user.has_perm(perm):
            url = reverse(url_name)
            items.append({"url": url, "label": label, "active": request.path.startswith(url)})
    return items

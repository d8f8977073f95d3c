from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import permissions as perms

# The main menu: (URL name, label, permission or None for every firm user).
MENU = [
    ("customers:list", _("Customers"), perms.CUSTOMERS_VIEW),
    ("projects:list", _("Projects"), None),
    ("timesheets:week", _("Hours"), perms.HOURS_LOG),
    ("accounts:users", _("Employees"), perms.USERS_MANAGE),
]


def menu(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.company_id:
        return {"menu": []}
    items = []
    for url_name, label, perm in MENU:
        if perm is None or user.has_perm(perm):
            url = reverse(url_name)
            items.append({"url": url, "label": label, "active": request.path.startswith(url)})
    return {"menu": items}

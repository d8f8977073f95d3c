from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from accounts import permissions as perms


@require_GET
def home(request):
    """The start page: the menu's destinations as large, thumb-friendly tiles."""
    return render(request, "home.html")


@require_GET
def start(request):
    """Where signing in lands (LOGIN_REDIRECT_URL): whoever sees only their own hours
    (an Ansatt) on them, "Mine timer", where logging the day is one tap away; everyone
    else on the start page."""
    user = request.user
    if user.has_perm(perms.HOURS_LOG) and not user.has_perm(perms.HOURS_VIEW_ALL):
        return redirect("timesheets:week")
    return redirect("home")

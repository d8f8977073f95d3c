from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def home(request):
    """The start page: the menu's destinations as large, thumb-friendly tiles."""
    return render(request, "home.html")


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    return render(request, "errors/500.html", status=500)

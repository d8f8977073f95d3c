from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def home(request):
    """The start page: the menu's destinations as large, thumb-friendly tiles."""
    return render(request, "home.html")

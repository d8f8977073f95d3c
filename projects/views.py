from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts import permissions as perms


@require_GET
@perms.role_required(perms.HOURS_LOG)
def project_list(request):
    return render(request, "home.html")

from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts import permissions as perms


@require_GET
@perms.role_required(perms.CUSTOMERS_VIEW)
def customer_list(request):
    return render(request, "home.html")

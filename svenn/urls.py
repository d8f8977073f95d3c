from django.contrib import admin
from django.urls import include, path

from . import offline, views

urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("manifest.webmanifest", offline.manifest, name="manifest"),
    path("sw.js", offline.service_worker, name="service_worker"),
    path("offline/", offline.offline, name="offline"),
    path("accounts/", include("accounts.urls")),
    path("customers/", include("customers.urls")),
    path("projects/", include("projects.urls")),
    path("timesheets/", include("timesheets.urls")),
    path("worktime/", include("worktime.urls")),
    path("jobber/", include("core.urls")),
    path("invoicing/", include("invoicing.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"

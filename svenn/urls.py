from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = "Svenn"
admin.site.site_title = "Svenn admin"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("customers/", include("customers.urls")),
    path("projects/", include("projects.urls")),
    path("timesheets/", include("timesheets.urls")),
    path("admin/", admin.site.urls),
]

if settings.BENCH:
    from . import bench

    urlpatterns.append(path("bench/floor/", bench.floor, name="bench_floor"))

handler403 = "svenn.views.permission_denied"
handler404 = "svenn.views.page_not_found"
handler500 = "svenn.views.server_error"

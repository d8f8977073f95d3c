from django.urls import path

from . import views

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="list"),
    path("export.csv", views.customer_export, {"fmt": "csv"}, name="export_csv"),
    path("export.xlsx", views.customer_export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("new/", views.customer_create, name="create"),
    path("lookup/", views.customer_lookup, name="lookup"),
    path("import/", views.customer_import, name="import"),
    path("import/<uuid:pk>/", views.customer_import_mapping, name="import_mapping"),
    path("import/<uuid:pk>/run/", views.customer_import_run, name="import_run"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/status/", views.customer_set_status, name="status"),
    path("<int:pk>/delete/", views.customer_delete, name="delete"),
    path("<int:pk>/brreg/", views.customer_refresh, name="refresh"),
]

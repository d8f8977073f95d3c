from django.urls import path

from . import views

app_name = "timesheets"

urlpatterns = [
    path("", views.week, name="week"),
    path("new/", views.entry_create, name="entry_create"),
    path("copy/", views.entry_copy, name="entry_copy"),
    path("<int:pk>/edit/", views.entry_update, name="entry_update"),
    path("<int:pk>/delete/", views.entry_delete, name="entry_delete"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("options/customers/", views.customer_options, name="customer_options"),
    path("options/projects/", views.project_options, name="project_options"),
    path("customer-field/", views.customer_field, name="customer_field"),
    path("timer/start/", views.timer_start, name="timer_start"),
    path("timer/<uuid:key>/stop/", views.timer_stop, name="timer_stop"),
    path("timer/<uuid:key>/discard/", views.timer_discard, name="timer_discard"),
    path("overview/", views.overview, name="overview"),
    path("approve/", views.approve, name="approve"),
    path("export.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("export.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
]

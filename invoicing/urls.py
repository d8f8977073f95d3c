from django.urls import path

from . import views

app_name = "invoicing"

urlpatterns = [
    path("", views.basis, name="basis"),
    path("basis.xlsx", views.basis_download, {"fmt": "xlsx"}, name="basis_xlsx"),
    path("basis.pdf", views.basis_download, {"fmt": "pdf"}, name="basis_pdf"),
    path("mark/", views.basis_mark, name="mark"),
    path("invoiced/", views.basis_list, name="list"),
    path("invoiced/<int:pk>/", views.basis_detail, name="detail"),
    path("invoiced/<int:pk>/basis.pdf", views.basis_detail_pdf, name="detail_pdf"),
    path("invoiced/<int:pk>/reopen/", views.basis_reopen, name="reopen"),
    path(
        "lines/entry/<int:pk>/new/",
        views.line_create,
        {"on": "entry"},
        name="line_create_entry",
    ),
    path(
        "lines/project/<int:pk>/new/",
        views.line_create,
        {"on": "project"},
        name="line_create_project",
    ),
    path("lines/<int:pk>/edit/", views.line_update, name="line_update"),
    path("lines/<int:pk>/delete/", views.line_delete, name="line_delete"),
    path("lines/<int:pk>/approve/", views.line_approve, name="line_approve"),
    path("lines/<int:pk>/reopen/", views.line_reopen, name="line_reopen"),
]

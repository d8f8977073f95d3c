from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_create, name="create"),
    path("customer-options/", views.customer_options, name="customer_options"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_update, name="update"),
    path("<int:pk>/access/", views.project_access, name="access"),
    path("<int:pk>/status/", views.project_set_status, name="set_status"),
    path("<int:pk>/delete/", views.project_delete, name="delete"),
]

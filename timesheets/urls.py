from django.urls import path

from . import views

app_name = "timesheets"

urlpatterns = [
    path("", views.week, name="week"),
]

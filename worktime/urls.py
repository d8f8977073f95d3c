from django.urls import path

from . import views

app_name = "worktime"

urlpatterns = [
    path("", views.balances, name="balances"),
    path("week/", views.week, name="week"),
    path("employees/<int:pk>/", views.employee, name="employee"),
    path("employees/<int:pk>/timebank/", views.timebank_start, name="timebank_start"),
    path("rules/", views.rules, name="rules"),
    path("days-off/", views.day_off_create, name="day_off_create"),
    path("days-off/<int:pk>/delete/", views.day_off_delete, name="day_off_delete"),
]

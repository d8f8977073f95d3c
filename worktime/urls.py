from django.urls import path

from . import views

app_name = "worktime"

urlpatterns = [
    path("", views.balances, name="balances"),
    path("week/", views.week, name="week"),
    path("week/hand-in/", views.hand_in, name="hand_in"),
    path("week/send-back/", views.send_back, name="send_back"),
    path("hand-ins/", views.hand_ins, name="hand_ins"),
    path("employees/<int:pk>/", views.employee, name="employee"),
    path("employees/<int:pk>/timebank/", views.timebank_start, name="timebank_start"),
    path("employees/<int:pk>/holiday/", views.holiday_allowance, name="holiday_allowance"),
    path("absence/", views.absences, name="absences"),
    path("absence/<int:pk>/withdraw/", views.absence_withdraw, name="absence_withdraw"),
    path("absence/requests/", views.absence_requests, name="absence_requests"),
    path("absence/<int:pk>/decide/", views.absence_decide, name="absence_decide"),
    path("absence/calendar/", views.absence_calendar, name="absence_calendar"),
    path("rules/", views.rules, name="rules"),
    path("rules/reminders/", views.reminder_settings, name="reminder_settings"),
    path("absence-types/", views.absence_type_create, name="absence_type_create"),
    path("absence-types/<int:pk>/", views.absence_type_update, name="absence_type_update"),
    path("absence-types/<int:pk>/delete/", views.absence_type_delete, name="absence_type_delete"),
    path("days-off/", views.day_off_create, name="day_off_create"),
    path("days-off/<int:pk>/delete/", views.day_off_delete, name="day_off_delete"),
    path("wage-types/", views.wage_types, name="wage_types"),
    path("payroll/", views.payroll_basis, name="payroll"),
    path("payroll.csv", views.payroll_download, {"fmt": "csv"}, name="payroll_csv"),
    path("payroll.xlsx", views.payroll_download, {"fmt": "xlsx"}, name="payroll_xlsx"),
]

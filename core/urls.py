from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.my_jobs, name="my_jobs"),
    path("<uuid:pk>/", views.job, name="job"),
    path("<uuid:pk>/fil", views.job_file, name="job_file"),
]

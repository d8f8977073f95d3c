from django.urls import path

from svenn.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401

from . import views

urlpatterns = [*urlpatterns, path("bench/floor/", views.floor, name="bench_floor")]

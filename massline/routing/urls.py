"""The routing admin page, mounted at /staff/routing/ (namespace "routing")."""

from django.urls import path

from . import views

app_name = "routing"
urlpatterns = [
    path("", views.admin, name="admin"),
    path("categories/<int:pk>/auto-dispatch/", views.threshold_set, name="threshold_set"),
    path("categories/<int:pk>/auto-dispatch/clear/", views.threshold_clear, name="threshold_clear"),
]

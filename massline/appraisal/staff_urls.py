"""Staff appraisal pages, mounted at /staff/appraisal/ (namespace "appraisal_staff")."""

from django.urls import path

from . import exports, views

app_name = "appraisal_staff"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("units/<int:pk>/", views.unit_page, name="unit"),
    path("demands/", views.demands, name="demands"),
    path("rankings/", views.rankings, name="rankings"),
    path("rules/", views.rules_create, name="rules_create"),
    path("report/<str:month>.<str:fmt>", exports.monthly_report, name="report"),
]

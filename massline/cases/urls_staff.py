"""The demands' staff workbench, mounted at /staff/cases/ (namespace "cases_staff")."""

from django.urls import path

from . import views_privacy, views_staff

urlpatterns = [
    path("", views_staff.queue, name="queue"),
    path("unit/", views_staff.unit_queue, name="unit_queue"),
    path("supervision/", views_staff.supervision, name="supervision"),
    path("notifications/", views_staff.notifications, name="notifications"),
    path("records/<int:pk>/decide/", views_staff.record_decide, name="record_decide"),
    path("data-requests/", views_privacy.queue, name="data_requests"),
    path("data-requests/<int:pk>/", views_privacy.detail, name="data_request"),
    path("<int:pk>/", views_staff.detail, name="detail"),
    path("<int:pk>/<slug:action>/", views_staff.act, name="act"),
]

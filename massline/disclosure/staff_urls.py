"""Staff pages of disclosure, mounted under /staff/disclosure/ (namespace disclosure_staff)."""

from django.urls import path

from . import staff_views as views

app_name = "disclosure_staff"

urlpatterns = [
    path("", views.staff_list, name="list"),
    path("new/", views.staff_create, name="create"),
    path("<int:pk>/", views.staff_detail, name="detail"),
    path("<int:pk>/forward/", views.staff_forward, name="forward"),
    path("<int:pk>/<str:step>/", views.staff_step, name="step"),
]

"""Public pages of the practical projects, mounted under /pledges/."""

from django.urls import path

from . import views

app_name = "pledges"

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("current/", views.programme_current, name="current"),
    path("<int:pk>/", views.programme_detail, name="detail"),
    path("<int:pk>/nominate/", views.nominate, name="nominate"),
    path("<int:pk>/vote/", views.vote, name="vote"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("<int:pk>/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/follow/", views.follow, name="follow"),
    path("projects/<int:pk>/rate/", views.rate, name="rate"),
    path("projects/<int:pk>/photos/<int:update_id>/", views.photo, name="photo"),
]

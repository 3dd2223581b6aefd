"""Public pages of disclosure, mounted under /disclosure/."""

from django.urls import path

from . import views

app_name = "disclosure"

urlpatterns = [
    path("", views.register, name="register"),
    path("request/", views.submit, name="submit"),
    path("track/", views.track_lookup, name="track_lookup"),
    path("track/<str:code>/", views.track, name="track"),
    path("track/<str:code>/correct/", views.correct, name="correct"),
    path("track/<str:code>/unsatisfied/", views.unsatisfied, name="unsatisfied"),
    path("track/<str:code>/documents/<int:document_id>/", views.document, name="document"),
    path("register/<str:code>/", views.register_detail, name="register_detail"),
    path("statistics/", views.statistics, name="statistics"),
    path("report.pdf", views.report_pdf, name="report_pdf"),
    path("report.xlsx", views.report_xlsx, name="report_xlsx"),
]

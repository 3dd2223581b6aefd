"""Public pages of consultations, mounted under /consultations/."""

from django.urls import path

from . import views

app_name = "consultations"

urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("<int:pk>/", views.consultation_detail, name="detail"),
    path("<int:pk>/opinions/", views.opinion_submit, name="opinion_submit"),
    path("<int:pk>/vote/", views.vote, name="vote"),
    path("<int:pk>/statements/", views.statement_propose, name="statement_propose"),
    path("<int:pk>/follow/", views.follow, name="follow"),
    path("<int:pk>/groups/", views.groups, name="groups"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("<int:pk>/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("opinions/<int:opinion_id>/like/", views.opinion_like, name="opinion_like"),
    path("opinions/<int:opinion_id>/flag/", views.opinion_flag, name="opinion_flag"),
    path("polls/<int:poll_id>/answer/", views.poll_answer, name="poll_answer"),
]

"""Staff pages of consultations, mounted under /staff/consultations/ (namespace consultations_staff)."""

from django.urls import path

from . import staff_views as views

app_name = "consultations_staff"

urlpatterns = [
    path("", views.staff_list, name="list"),
    path("new/", views.staff_create, name="create"),
    path("<int:pk>/", views.staff_detail, name="detail"),
    path("<int:pk>/publish/", views.staff_publish, name="publish"),
    path("<int:pk>/close/", views.staff_close, name="close"),
    path("<int:pk>/sections/", views.staff_section_add, name="section_add"),
    path("<int:pk>/attachments/", views.staff_attachment_add, name="attachment_add"),
    path("<int:pk>/statements/", views.staff_statement_add, name="statement_add"),
    path(
        "<int:pk>/statements/<int:statement_id>/moderate/",
        views.staff_statement_moderate,
        name="statement_moderate",
    ),
    path("<int:pk>/polls/", views.staff_poll_add, name="poll_add"),
    path(
        "<int:pk>/opinions/<int:opinion_id>/moderate/", views.staff_opinion_moderate, name="opinion_moderate"
    ),
    path("<int:pk>/opinions/<int:opinion_id>/reply/", views.staff_reply, name="reply"),
    path("<int:pk>/groups/", views.staff_groups_compute, name="groups_compute"),
    path("<int:pk>/answers/", views.staff_answers, name="answers"),
    path("<int:pk>/answers/one/", views.staff_answer, name="answer"),
    path("<int:pk>/answers/bulk/", views.staff_answer_bulk, name="answer_bulk"),
    path("<int:pk>/answers/templates/", views.staff_template_add, name="template_add"),
    path("<int:pk>/report/", views.staff_report_publish, name="report_publish"),
]

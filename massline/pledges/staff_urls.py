"""Staff pages of the practical projects, mounted under /staff/pledges/ (namespace pledges_staff)."""

from django.urls import path

from . import staff_views as views

app_name = "pledges_staff"

urlpatterns = [
    path("", views.staff_list, name="list"),
    path("new/", views.staff_create, name="create"),
    path("<int:pk>/", views.staff_detail, name="detail"),
    path("<int:pk>/advance/", views.staff_advance, name="advance"),
    path("<int:pk>/nominate/", views.staff_nominate, name="nominate"),
    path("<int:pk>/merge/", views.staff_merge, name="merge"),
    path("<int:pk>/nominations/<int:nomination_id>/screen/", views.staff_screen, name="screen"),
    path("<int:pk>/deputies/", views.staff_deputies, name="deputies"),
    path("<int:pk>/paper/", views.staff_paper, name="paper"),
    path("<int:pk>/nominations/<int:nomination_id>/override/", views.staff_override, name="override"),
    path("<int:pk>/publish/", views.staff_publish, name="publish"),
    path("projects/<int:pk>/", views.staff_project, name="project"),
    path("projects/<int:pk>/update/", views.staff_update, name="update"),
    path("projects/<int:pk>/milestones/", views.staff_milestone, name="milestone"),
    path(
        "projects/<int:pk>/milestones/<int:milestone_id>/done/",
        views.staff_milestone_done,
        name="milestone_done",
    ),
    path("projects/<int:pk>/parts/", views.staff_part, name="part"),
    path("projects/<int:pk>/carry/", views.staff_carry, name="carry"),
]

"""The operator's intake desk, mounted at /staff/intake/ (namespace "cases_intake")."""

from django.urls import path

from . import views_intake

urlpatterns = [
    path("", views_intake.desk, name="desk"),
    path("caller/", views_intake.caller, name="caller"),
    path("knowledge/", views_intake.knowledge, name="knowledge"),
    path("suggest/", views_intake.suggest, name="suggest"),
]

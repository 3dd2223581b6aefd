"""A citizen's requests about their personal data, mounted at /privacy/ (namespace "cases_privacy")."""

from django.urls import path

from . import views_privacy

urlpatterns = [
    path("", views_privacy.index, name="index"),
    path("code/", views_privacy.verify, name="verify"),
    path("requests/<str:reference>/", views_privacy.request_status, name="request"),
    path("copy/<str:token>/", views_privacy.export, name="export"),
]

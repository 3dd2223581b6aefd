"""Public pages of integrity tip-offs, mounted under /integrity/."""

from django.urls import path

from . import views

app_name = "integrity"

urlpatterns = [
    path("", views.submit, name="submit"),
    path("receipt/", views.receipt, name="receipt"),
    path("receipt/reply/", views.reporter_reply, name="reporter_reply"),
    path("receipt/evidence/", views.reporter_evidence, name="reporter_evidence"),
]

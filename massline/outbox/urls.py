"""Staff pages of the outbox, mounted under /staff/outbox/ (namespace outbox)."""

from django.urls import path

from . import views

app_name = "outbox"

urlpatterns = [
    path("", views.dead_letters, name="dead_letters"),
    path("<int:pk>/resend/", views.resend, name="resend"),
]

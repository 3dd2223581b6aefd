"""Staff pages of integrity tip-offs, mounted under /staff/integrity/ (namespace integrity_staff)."""

from django.urls import path

from . import staff_views as views

app_name = "integrity_staff"

urlpatterns = [
    path("", views.index, name="index"),
    path("key/setup/", views.key_setup, name="key_setup"),
    path("key/unlock/", views.key_unlock, name="key_unlock"),
    path("key/lock/", views.key_lock, name="key_lock"),
    path("key/recover/", views.key_recover, name="key_recover"),
    path("<str:reference>/", views.detail, name="detail"),
    path("<str:reference>/message/", views.message_send, name="message"),
    path("<str:reference>/status/", views.status_set, name="status"),
    path("<str:reference>/conclude/", views.conclude, name="conclude"),
    path("<str:reference>/reveal/", views.reveal_request, name="reveal_request"),
    path("<str:reference>/reveal/<int:reveal_id>/", views.reveal_decide, name="reveal_decide"),
    path("<str:reference>/identity/", views.identity, name="identity"),
    path("<str:reference>/files/<int:attachment_id>/", views.attachment, name="attachment"),
    path(
        "<str:reference>/files/<int:attachment_id>/original/",
        views.attachment,
        {"original": True},
        name="attachment_original",
    ),
]

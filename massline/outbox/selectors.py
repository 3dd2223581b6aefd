"""Reads of the outbox for staff: the dead-letter list and the queue's counts, for administrators and
dispatchers only (messages belong to no unit: those who may resend see them all)."""

from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404

from massline.org.selectors import user_scope

from .choices import MessageStatus
from .models import Message
from .services import RESEND_ROLES


def may_manage_outbox(user):
    return user_scope(user).has_role(*RESEND_ROLES)


def messages_dead_for(*, user):
    """Dead messages, newest first (none for anyone who may not resend)."""
    if not may_manage_outbox(user):
        return Message.objects.none()
    return Message.objects.filter(status=MessageStatus.DEAD).defer("to", "text").order_by("-dead_at", "-id")


def message_get_for_staff(*, user, pk):
    """One message for the dead-letter page; 404 when it does not exist or the user may not manage it."""
    if not may_manage_outbox(user):
        raise Http404
    return get_object_or_404(Message.objects.defer("to", "text"), pk=pk)


def outbox_counts(*, user):
    """{status: count} of every message, for the page's header."""
    if not may_manage_outbox(user):
        return {}
    rows = Message.objects.values("status").annotate(n=Count("id")).order_by()
    return {row["status"]: row["n"] for row in rows}

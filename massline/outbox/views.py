"""The staff's dead-letter page (messages every attempt failed to deliver) and its resend button.

Officials who are neither administrators nor dispatchers get 403; anonymous visitors the login page.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from massline.lib.errors import DomainError
from massline.org.access import official_required

from . import selectors, services
from .choices import MessageStatus

PAGE_SIZE = 200


def _require_manager(request):
    if not selectors.may_manage_outbox(request.user):
        raise PermissionDenied(
            _("Only administrators and dispatchers see the messages that could not be sent.")
        )


def _page(request, *, error="", status=200):
    counts = selectors.outbox_counts(user=request.user)
    context = {
        "dead": selectors.messages_dead_for(user=request.user)[:PAGE_SIZE],
        "counts": [(choice.label, counts.get(choice.value, 0)) for choice in MessageStatus],
        "page_size": PAGE_SIZE,
        "error": error,
    }
    return render(request, "outbox/dead_letters.html", context, status=status)


@official_required
def dead_letters(request):
    _require_manager(request)
    return _page(request)


@official_required
@require_POST
def resend(request, pk):
    _require_manager(request)
    message = selectors.message_get_for_staff(user=request.user, pk=pk)
    try:
        services.message_resend(message=message, by=request.user)
    except DomainError as exc:
        return _page(request, error=exc.message, status=400)
    messages.success(
        request, _("The message about %(about)s is queued again.") % {"about": message.about or message.pk}
    )
    return redirect("outbox:dead_letters")

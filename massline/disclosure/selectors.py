"""Reads of the disclosure app: the staff queue (scoped by `user_scope`), the public register (applicant
masked, withheld requests left out) and one request by its tracking code."""

from django.db.models import Q
from django.http import Http404

from massline.lib.masking import mask_name
from massline.org.selectors import user_scope

from .choices import EscalationLevel, RequestStatus
from .models import DisclosureRequest

_RELATED = ("unit", "clock", "clarification_clock", "consultation_clock", "applicant", "other_agency")


def requests_for_staff(*, user, status="", listed=False):
    """The requests of the agencies in the user's scope; `listed`: only those the overdue ladder listed
    for the supervisor (督办), longest overdue first."""
    scope = user_scope(user)
    rows = DisclosureRequest.objects.filter(scope.units_q("unit__")).select_related(*_RELATED)
    if status:
        rows = rows.filter(status=status)
    if listed:
        return rows.filter(escalation_level__gte=EscalationLevel.LISTED).order_by("clock__due_at")
    return rows.order_by("status", "clock__due_at")


def request_get_for_staff(*, user, pk):
    request = requests_for_staff(user=user).filter(pk=pk).first()
    if request is None:
        raise Http404
    return request


def request_get_by_code(*, code):
    """The request with this tracking code (the applicant's own page); 404 for an unknown code."""
    request = (
        DisclosureRequest.objects.select_related(*_RELATED)
        .filter(tracking_code=(code or "").strip().upper())
        .first()
    )
    if request is None:
        raise Http404
    return request


def register_rows(*, query="", unit=None, answer_type="", year=None):
    """The public register: every request not withheld, newest first, searchable by its text."""
    rows = DisclosureRequest.objects.filter(withheld_at__isnull=True).select_related(
        "unit", "clock", "applicant"
    )
    query = (query or "").strip()
    if query:
        rows = rows.filter(
            Q(description__icontains=query)
            | Q(corrected_description__icontains=query)
            | Q(answer_text__icontains=query)
            | Q(tracking_code__iexact=query)
        )
    if unit is not None:
        rows = rows.filter(unit=unit)
    if answer_type:
        rows = rows.filter(answer_type=answer_type)
    if year:
        rows = rows.filter(received_at__year=year)
    return rows.order_by("-received_at")


def register_get(*, code):
    request = register_rows().filter(tracking_code=(code or "").strip().upper()).first()
    if request is None:
        raise Http404
    return request


def public_applicant(request):
    """What the public sees of the applicant: a masked name, never the contact or the document."""
    return mask_name(request.applicant.name)


__all__ = ["RequestStatus", "public_applicant"]

"""Retention of citizens' contact data (数据保留期限): once every demand of a citizen is closed for longer
than MASSLINE_CONTACT_RETENTION_DAYS, their name, phone, e-mail and address are erased. The demands,
their public summaries (masked at intake) and every figure stay; the erasure is audited (masked)."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from massline.org.models import Citizen
from massline.org.services import citizen_erase

from ..choices import CaseStatus
from ..models import Case


def citizens_past_retention(*, now=None):
    """Citizens without an account (an account holder manages their own data), with contact data left,
    no demand still open, and whose last demand closed before the retention cut-off."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.MASSLINE_CONTACT_RETENTION_DAYS)
    open_demand = Case.objects.filter(citizen=OuterRef("pk")).exclude(status=CaseStatus.CLOSED)
    return (
        Citizen.objects.filter(user__isnull=True)
        .exclude(name="", phone="", email="", address="")
        .annotate(last_closed=Max("cases__closed_at"), has_open=Exists(open_demand))
        .filter(Q(last_closed__lt=cutoff), has_open=False)
    )


def contacts_purge(*, now=None, by=None, dry_run=False):
    """Erase the contact data of every citizen past retention; returns how many were erased."""
    citizens = list(citizens_past_retention(now=now))
    if dry_run:
        return len(citizens)
    for citizen in citizens:
        with transaction.atomic():
            citizen_erase(citizen=citizen, reason="retention", by=by)
    return len(citizens)

"""Services the worker runs for the integrity app: the retaliation watch, notice e-mails and the purge.

The retaliation watch reads new demands in `cases` (cases never imports integrity): when the phone or
e-mail of a demand's citizen has the keyed hash of a self-identified reporter, the inspectors who read
that tip are flagged; the unit the tip is about is never told.
"""

import logging

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from massline.audit.services import audit_record
from massline.cases.models import Case
from massline.deadlines.choices import ClockState
from massline.outbox.services import message_queue

from . import crypto
from .choices import NoticeKind
from .models import InspectorNotice, ReporterFingerprint, RetaliationFlag, Tip, WatchCursor
from .services import _notify, _readers

log = logging.getLogger("massline.integrity")

WATCH = "retaliation"
BATCH = 500


def _case_fingerprints(citizen):
    found = set()
    if citizen is None:
        return found
    if crypto.normalise_phone(citizen.phone):
        found.add(crypto.keyed_hash("reporter", "phone:" + crypto.normalise_phone(citizen.phone)))
    if citizen.email.strip():
        found.add(crypto.keyed_hash("reporter", "email:" + citizen.email.strip().lower()))
    return found


def retaliation_watch():
    """Check demands received since the last round against reporters' fingerprints; returns new flags."""
    with transaction.atomic():
        cursor, _created = WatchCursor.objects.select_for_update().get_or_create(name=WATCH)
        cases = list(
            Case.objects.filter(pk__gt=cursor.last_case_id).select_related("citizen").order_by("pk")[:BATCH]
        )
        if not cases:
            return 0
        flagged = 0
        if ReporterFingerprint.objects.exists():
            for case in cases:
                digests = _case_fingerprints(case.citizen)
                if not digests:
                    continue
                tips = Tip.objects.filter(
                    fingerprints__digest__in=digests, received_at__lt=case.received_at
                ).distinct()
                for tip in tips:
                    _flag, created = RetaliationFlag.objects.get_or_create(tip=tip, case=case)
                    if created:
                        flagged += 1
                        _notify(_readers(tip), NoticeKind.RETALIATION, tip)
                        audit_record(action="integrity.retaliation.flag", obj=tip, details={"case": case.pk})
        cursor.last_case_id = cases[-1].pk
        cursor.save(update_fields=["last_case_id"])
    return flagged


def message_send(*, to, subject, text, key):
    """The one place integrity sends a message to a person: the outbox, in the caller's transaction,
    delivered by the worker with retries (the text never names the tip-off)."""
    message_queue(channel="email", to=to, subject=subject, text=text, key=key, about="integrity")


def notices_email(*, limit=200):
    """E-mail each new notice to its inspector: a fixed sentence, no reference, unit, name or content."""
    sent = 0
    pending = InspectorNotice.objects.filter(emailed_at__isnull=True).select_related("user")[:limit]
    for notice in pending:
        with transaction.atomic():
            claimed = InspectorNotice.objects.filter(pk=notice.pk, emailed_at__isnull=True).update(
                emailed_at=timezone.now()
            )
            if not claimed or not notice.user.email:
                continue
            with translation.override(settings.LANGUAGE_CODE):
                try:
                    message_send(
                        to=notice.user.email,
                        subject=_("Massline: something arrived for discipline inspectors"),
                        text=_("Something new waits for you on the tip-off pages. Sign in to read it."),
                        key=f"integrity-notice-{notice.pk}",
                    )
                    sent += 1
                except Exception:  # noqa: BLE001 (a mail server's failure must not stop the round)
                    log.warning("integrity: notice %s could not be e-mailed", notice.pk)
    return sent


def tips_purge(*, now=None):
    """Delete tip-offs whose retention after conclusion has passed, with their files; returns how many."""
    now = now or timezone.now()
    purged = 0
    for tip in Tip.objects.filter(purge_after__lte=now).order_by("pk")[:BATCH]:
        with transaction.atomic():
            names = [n for a in tip.attachments.all() for n in (a.original_file, a.clean_file)]
            reference = tip.reference
            tip_id = tip.pk
            tip.delete()
            audit_record(
                action="integrity.tip.purge",
                object_type="integrity.tip",
                object_id=tip_id,
                object_repr=reference,
                details={"files": len(names)},
            )
            transaction.on_commit(lambda names=names: [default_storage.delete(n) for n in names])
        purged += 1
    return purged


def first_answers_overdue(*, now=None):
    """Tell the readers of each tip whose first answer is overdue, once; returns how many tips."""
    now = now or timezone.now()
    told = InspectorNotice.objects.filter(kind=NoticeKind.FIRST_ANSWER_DUE).values("tip_id")
    tips = Tip.objects.filter(
        first_answer_clock__state=ClockState.RUNNING, first_answer_clock__due_at__lt=now
    ).exclude(pk__in=told)
    count = 0
    for tip in tips[:BATCH]:
        with transaction.atomic():
            _notify(_readers(tip), NoticeKind.FIRST_ANSWER_DUE, tip)
        count += 1
    return count


def integrity_round():
    """One round of the worker: returns what it did."""
    return {
        "flags": retaliation_watch(),
        "overdue": first_answers_overdue(),
        "emailed": notices_email(),
        "purged": tips_purge(),
    }

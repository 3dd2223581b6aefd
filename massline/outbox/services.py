"""Writes of the outbox: queue a message in the caller's transaction, deliver it (claim, send, settle),
resend a dead one, sweep what a crash left behind.

The transactional outbox: `message_queue` inserts the row inside whatever transaction changed the
state the message tells about, so the message exists if and only if that change committed; the task
that delivers it is enqueued once the transaction commits, and the sweeper queues again any message
whose task was lost. Delivery claims the row (pending -> sending, attempts + 1) and commits that
before talking to the gateway, so a crash mid-send leaves a `sending` row, never a silent loss.
"""

import logging
import random
from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from massline.audit.services import audit_record
from massline.lib.errors import DomainError, PermissionDenied
from massline.lib.masking import mask_email, mask_phone, mask_text
from massline.org.choices import Role
from massline.org.selectors import user_scope

from . import conf, gateways
from .choices import Channel, MessageStatus
from .models import ABOUT_MAX_LENGTH, ERROR_MAX_LENGTH, KEY_MAX_LENGTH, Message

log = logging.getLogger("massline.outbox")

# Who may see the dead-letter list and resend from it.
RESEND_ROLES = (Role.ADMINISTRATOR, Role.DISPATCHER)


class MessageRefused(DomainError):
    """A message cannot be queued or resent as asked."""


def _mask(channel, to):
    return mask_email(to) if channel == Channel.EMAIL else mask_phone(to)


def _enqueue(message_id, run_after=None):
    from .tasks import message_deliver

    task = message_deliver.using(run_after=run_after) if run_after else message_deliver
    task.enqueue(message_id)


def _enqueue_on_commit(message_id, run_after=None):
    transaction.on_commit(lambda: _enqueue(message_id, run_after))


def message_queue(*, channel, to, subject="", text, key, about=""):
    """Put one message in the outbox, inside the caller's transaction; returns its row.

    `key` is unique: queueing the same key again changes nothing and returns the row queued first.
    `about` is a short reference without personal data (a tracking code) shown to staff.
    """
    if channel not in Channel.values:
        raise MessageRefused(_("Unknown channel %(channel)s: use sms or email.") % {"channel": channel})
    to = (to or "").strip()
    if not to:
        raise MessageRefused(_("A message needs a recipient: a phone number or an e-mail address."))
    if not key or len(key) > KEY_MAX_LENGTH:
        raise MessageRefused(
            _("A message needs an idempotency key of 1 to %(n)s characters.") % {"n": KEY_MAX_LENGTH}
        )
    if existing := Message.objects.filter(key=key).first():
        return existing
    now = timezone.now()
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin's key wins without spoiling the caller
            message = Message.objects.create(
                key=key,
                channel=channel,
                to=to,
                to_masked=_mask(channel, to),
                subject=str(subject)[:200],
                text=str(text),
                about=str(about)[:ABOUT_MAX_LENGTH],
                created_at=now,
                next_attempt_at=now,
            )
    except IntegrityError:
        return Message.objects.get(key=key)
    audit_record(action="message.queued", obj=message, details={"channel": channel, "about": message.about})
    _enqueue_on_commit(message.pk)
    return message


def backoff_seconds(attempts):
    """Delay before the next attempt after `attempts` failed ones: doubling from the base up to the max,
    then jittered between half and all of it, so that messages failing together do not retry together."""
    ceiling = min(conf.backoff_max(), conf.backoff_base() * 2 ** max(attempts - 1, 0))
    return ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311 (jitter, not a secret)


def _claim(message_id, now):
    """pending -> sending, attempts + 1, committed before the gateway is called; None if not ours."""
    with transaction.atomic():
        rows = Message.objects.filter(pk=message_id, status=MessageStatus.PENDING, next_attempt_at__lte=now)
        if connection.features.has_select_for_update_skip_locked:
            # Another worker holding the row is sending it: skip, do not wait.
            rows = rows.select_for_update(skip_locked=True)
        message = rows.first()
        if message is None:
            return None
        message.status = MessageStatus.SENDING
        message.claimed_at = now
        message.attempts += 1
        message.save(update_fields=["status", "claimed_at", "attempts"])
    return message


def _send(message):
    if message.channel == Channel.EMAIL:
        gateways.email_send(to=message.to, subject=message.subject, text=message.text, key=message.key)
    else:
        gateways.sms_gateway().send(to=message.to, text=message.text, key=message.key)


def _error_text(exc):
    # The error names the failure, never the message's text; addresses and numbers in it are masked.
    return mask_text(f"{type(exc).__name__}: {exc}")[:ERROR_MAX_LENGTH]


def message_deliver_now(*, message_id, now=None):
    """One delivery attempt of message `message_id`, as the worker's task runs it.

    Returns "sent", "retry", "dead", or "skipped" (not pending, not due yet, or claimed by another worker).
    """
    now = now or timezone.now()
    message = _claim(message_id, now)
    if message is None:
        return "skipped"
    try:
        _send(message)
    except Exception as exc:  # noqa: BLE001 (any gateway failure is a failed attempt, retried)
        return _message_failed(message=message, error=_error_text(exc))
    with transaction.atomic():
        done = Message.objects.filter(
            pk=message.pk, status=MessageStatus.SENDING, claimed_at=message.claimed_at
        ).update(status=MessageStatus.SENT, sent_at=timezone.now(), last_error="")
        if done:
            audit_record(
                action="message.sent",
                obj=message,
                details={"attempts": message.attempts, "about": message.about},
            )
    return "sent"


def _message_failed(*, message, error):
    now = timezone.now()
    with transaction.atomic():
        mine = Message.objects.filter(
            pk=message.pk, status=MessageStatus.SENDING, claimed_at=message.claimed_at
        )
        if message.attempts >= conf.max_attempts():
            if not mine.update(status=MessageStatus.DEAD, dead_at=now, last_error=error):
                return "skipped"  # the sweeper took it back meanwhile (a send slower than the stale timeout)
            audit_record(
                action="message.dead",
                obj=message,
                details={"attempts": message.attempts, "about": message.about, "error": error},
            )
            log.warning(
                "message %s (%s) given up after %s attempts: %s",
                message.pk,
                message.about,
                message.attempts,
                error,
            )
            return "dead"
        retry_at = now + timedelta(seconds=backoff_seconds(message.attempts))
        if not mine.update(status=MessageStatus.PENDING, next_attempt_at=retry_at, last_error=error):
            return "skipped"
        _enqueue_on_commit(message.pk, run_after=retry_at)
    log.info(
        "message %s (%s) attempt %s failed, next at %s: %s",
        message.pk,
        message.about,
        message.attempts,
        retry_at,
        error,
    )
    return "retry"


def message_resend(*, message, by):
    """Put a dead message back in the queue with a fresh set of attempts (same key: a gateway that already
    took it does not deliver it twice). Administrators and dispatchers only."""
    if not user_scope(by).has_role(*RESEND_ROLES):
        raise PermissionDenied(_("Only administrators and dispatchers may resend messages."))
    with transaction.atomic():
        current = Message.objects.select_for_update().get(pk=message.pk)
        if current.status != MessageStatus.DEAD:
            raise MessageRefused(
                _("This message is “%(status)s”: only a message on the dead-letter list can be resent.")
                % {"status": MessageStatus(current.status).label}
            )
        if current.purged_at is not None:
            raise MessageRefused(
                _("This message's recipient and text were erased after %(days)s days: it cannot be resent.")
                % {"days": conf.keep_days()}
            )
        now = timezone.now()
        current.status = MessageStatus.PENDING
        current.attempts = 0
        current.next_attempt_at = now
        current.dead_at = None
        current.resent_count += 1
        current.save(update_fields=["status", "attempts", "next_attempt_at", "dead_at", "resent_count"])
        audit_record(
            action="message.resent",
            obj=current,
            actor=by,
            changes={"status": [MessageStatus.DEAD.value, MessageStatus.PENDING.value]},
            details={"about": current.about, "resent": current.resent_count},
        )
        _enqueue_on_commit(current.pk)
    message.refresh_from_db()
    return message


def outbox_sweep(*, now=None):
    """The sweeper's round: re-queue messages a crashed worker left `sending`, re-enqueue pending ones
    whose task was lost, erase the content of messages settled long ago. Returns the counts."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=conf.stale_seconds())
    counts = {"reclaimed": 0, "dead": 0, "requeued": 0, "purged": 0}
    for message in Message.objects.filter(status=MessageStatus.SENDING, claimed_at__lt=stale).only(
        "pk", "attempts", "about"
    ):
        # Stored in English like the gateways' own errors: it is read by operators, not citizens.
        error = f"the worker stopped while sending (attempt {message.attempts})"
        with transaction.atomic():
            if message.attempts >= conf.max_attempts():
                changed = Message.objects.filter(
                    pk=message.pk, status=MessageStatus.SENDING, claimed_at__lt=stale
                ).update(status=MessageStatus.DEAD, dead_at=now, last_error=error)
                if changed:
                    counts["dead"] += 1
                    audit_record(
                        action="message.dead",
                        obj=message,
                        details={"attempts": message.attempts, "about": message.about, "error": error},
                    )
                continue
            changed = Message.objects.filter(
                pk=message.pk, status=MessageStatus.SENDING, claimed_at__lt=stale
            ).update(status=MessageStatus.PENDING, next_attempt_at=now, last_error=error)
            if changed:
                counts["reclaimed"] += 1
                _enqueue_on_commit(message.pk)
    for message_id, due in Message.objects.filter(
        status=MessageStatus.PENDING, next_attempt_at__lt=stale
    ).values_list("pk", "next_attempt_at"):
        with transaction.atomic():
            # Moving next_attempt_at to now keeps the next sweeps from queueing it again and again while
            # a long backlog is drained.
            if Message.objects.filter(
                pk=message_id, status=MessageStatus.PENDING, next_attempt_at=due
            ).update(next_attempt_at=now):
                counts["requeued"] += 1
                _enqueue_on_commit(message_id)
    counts["purged"] = message_purge_settled(now=now)
    return {name: n for name, n in counts.items() if n}


def message_purge_settled(*, now=None):
    """Erase recipient, subject and text of messages sent or dead for MASSLINE_OUTBOX_KEEP_DAYS."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=conf.keep_days())
    settled = Message.objects.filter(purged_at__isnull=True).filter(
        status__in=[MessageStatus.SENT, MessageStatus.DEAD]
    )
    old = settled.filter(sent_at__lt=cutoff) | settled.filter(dead_at__lt=cutoff)
    with transaction.atomic():
        purged = old.update(to="", subject="", text="", purged_at=now)
        if purged:
            audit_record(
                action="message.purged",
                object_type="outbox.message",
                object_id="",
                object_repr=f"{purged} messages",
                details={"count": purged, "keep_days": conf.keep_days()},
            )
    return purged

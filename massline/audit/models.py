"""Audit events (append-only) and their seals, which chain the events by hash in the order they were sealed.

Writers only INSERT events, so concurrent requests never wait on one another; the sealer
(`audit_seal`, run by `massline worker`) then appends one seal per event: sequence number,
the previous seal's hash, and the hash of this event's content with that previous hash.
"""

import hashlib
import json

from django.db import models
from django.utils.translation import gettext_lazy as _

from massline.lib.errors import DomainError


class AppendOnlyError(DomainError):
    code = "audit_append_only"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(_("Audit records are append-only: they cannot be changed."))

    def delete(self):
        raise AppendOnlyError(_("Audit records are append-only: they cannot be deleted."))


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(_("Audit records are append-only: they cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(_("Audit records are append-only: they cannot be deleted."))


class AuditEvent(AppendOnlyModel):
    created_at = models.DateTimeField(_("time"), db_index=True)
    # A plain id, not a foreign key: deleting a user must never touch the trail.
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True)
    actor_label = models.CharField(_("actor"), max_length=150)
    action = models.CharField(
        _("action"), max_length=100
    )  # indexed in Meta: no LIKE index, nothing searches by prefix
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    # {"field": [before, after]} for the fields that changed.
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    # What else the action carried (a reason, a note), never personal data in clear.
    details = models.JSONField(_("details"), default=dict, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    client_ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["action"], name="audit_event_action"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"

    def content_digest(self, prev_hash):
        """The hash that seals this event after `prev_hash`: sha256 of canonical JSON of its content."""
        content = {
            "id": self.pk,
            "created_at": self.created_at.isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "changes": self.changes,
            "details": self.details,
            "request_id": self.request_id,
            "client_ip": self.client_ip,
        }
        canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


class AuditSeal(AppendOnlyModel):
    seq = models.BigIntegerField(_("sequence"), primary_key=True)
    event = models.OneToOneField(
        AuditEvent, verbose_name=_("event"), on_delete=models.PROTECT, related_name="seal"
    )
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)
    sealed_at = models.DateTimeField(_("sealed"))

    class Meta:
        verbose_name = _("audit seal")
        verbose_name_plural = _("audit seals")
        ordering = ["seq"]

    def __str__(self):
        return f"seal {self.seq} → event {self.event_id}"

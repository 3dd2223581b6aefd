"""Open311 clients' API keys, the service definitions administrators attach to categories, and what a
client sent with each request (its attribute answers, device and account ids, media URL, batch token).
"""

import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from massline.cases.choices import CaseType
from massline.cases.models import Case, Category

from .choices import Datatype, ServiceType

# Keys are long random secrets, so one SHA-256 is enough: a slow password hasher would cost ~250 ms a request.
KEY_PREFIX_LENGTH = 10


def key_digest(raw):
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiKey(models.Model):
    """One Open311 client's key (e.g. a FixMyStreet installation). Only its SHA-256 digest is stored."""

    name = models.CharField(_("client name"), max_length=100)
    prefix = models.CharField(_("key prefix"), max_length=KEY_PREFIX_LENGTH, unique=True, editable=False)
    digest = models.CharField(_("SHA-256 of the key"), max_length=64, editable=False)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    rate_limit_per_minute = models.PositiveIntegerField(
        _("requests per minute"),
        null=True,
        blank=True,
        help_text=_("Empty: the default (MASSLINE_OPEN311_RATE_LIMIT)."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["name", "-created_at"]
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(revoked_at__isnull=True),
                name="open311_one_active_key_per_name",
                violation_error_message=_(
                    "This client already has an active key: revoke it first, or choose another name."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self):
        return self.revoked_at is None

    def matches(self, raw):
        return hmac.compare_digest(self.digest, key_digest(raw))

    def limit_per_minute(self):
        if self.rate_limit_per_minute is not None:
            return self.rate_limit_per_minute
        return settings.MASSLINE_OPEN311_RATE_LIMIT


class ServiceOptions(models.Model):
    """How a category behaves as an Open311 service (optional: without a row it is a real-time service)."""

    category = models.OneToOneField(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="open311_options"
    )
    type = models.CharField(
        _("answer"), max_length=10, choices=ServiceType.choices, default=ServiceType.REALTIME
    )
    case_type = models.CharField(
        _("demand type"), max_length=20, choices=CaseType.choices, default=CaseType.HELP
    )
    service_notice = models.CharField(
        _("service notice"),
        max_length=500,
        blank=True,
        help_text=_("Shown to the client after a request, e.g. how long such requests usually take."),
    )

    class Meta:
        verbose_name = _("Open311 service options")
        verbose_name_plural = _("Open311 service options")

    def __str__(self):
        return str(self.category)


class ServiceAttribute(models.Model):
    """One question of a category's service definition (GeoReport v2 `attribute`)."""

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="open311_attributes"
    )
    code = models.SlugField(_("code"), max_length=50)
    datatype = models.CharField(_("datatype"), max_length=20, choices=Datatype.choices)
    variable = models.BooleanField(
        _("asks for input"),
        default=True,
        help_text=_("Untick for an informational text that the client only shows."),
    )
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    description = models.CharField(_("question"), max_length=500)
    datatype_description = models.CharField(_("answer hint"), max_length=300, blank=True)

    class Meta:
        ordering = ["category", "order", "code"]
        verbose_name = _("service attribute")
        verbose_name_plural = _("service attributes")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "code"],
                name="open311_attribute_unique_code",
                violation_error_message=_("This category already has an attribute with this code."),
            ),
        ]

    def __str__(self):
        return f"{self.category.code}:{self.code}"


class AttributeValue(models.Model):
    """One allowed answer of a list attribute (GeoReport v2 `value` with `key` and `name`)."""

    attribute = models.ForeignKey(
        ServiceAttribute, verbose_name=_("attribute"), on_delete=models.CASCADE, related_name="values"
    )
    key = models.CharField(_("key"), max_length=100)
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=1)

    class Meta:
        ordering = ["attribute", "order", "key"]
        verbose_name = _("attribute value")
        verbose_name_plural = _("attribute values")
        constraints = [
            models.UniqueConstraint(
                fields=["attribute", "key"],
                name="open311_value_unique_key",
                violation_error_message=_("This attribute already has a value with this key."),
            ),
        ]

    def __str__(self):
        return f"{self.key}: {self.name}"


class Submission(models.Model):
    """What an Open311 client sent with a demand beyond the demand itself. Never shown by GET requests."""

    case = models.OneToOneField(
        Case, verbose_name=_("demand"), on_delete=models.CASCADE, related_name="open311_submission"
    )
    api_key = models.ForeignKey(
        ApiKey, verbose_name=_("API key"), on_delete=models.PROTECT, related_name="submissions"
    )
    attributes = models.JSONField(_("attribute answers"), default=dict, blank=True)
    address_id = models.CharField(_("address id"), max_length=100, blank=True)
    device_id = models.CharField(_("device id"), max_length=100, blank=True)
    account_id = models.CharField(_("account id"), max_length=100, blank=True)
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    # Only batch services' submissions have one: unique where set (Meta), with no index entry otherwise.
    token = models.CharField(_("token"), max_length=40, null=True, blank=True)  # noqa: DJ001
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 submission")
        verbose_name_plural = _("Open311 submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["token"], condition=Q(token__isnull=False), name="open311_unique_token"
            ),
        ]

    def __str__(self):
        return f"{self.case_id} ← {self.api_key.name}"

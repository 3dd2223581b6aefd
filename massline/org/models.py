"""Regions, handling units, officials' memberships with roles, and citizens."""

from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .choices import REGION_PARENT_LEVEL, REGION_ROLES, UNIT_ROLES, RegionLevel, Role, UnitKind

LATITUDE = [MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))]
LONGITUDE = [MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))]


class User(AbstractUser):
    """A person who can log in: an official (with memberships) or a citizen with an account."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = pgettext_lazy("org", "user")
        verbose_name_plural = pgettext_lazy("org", "users")

    def __str__(self):
        return self.display_name or self.username


class BilingualNameMixin(models.Model):
    name = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.label

    @property
    def label(self):
        """The name in the active language, falling back to the Chinese name."""
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class TreeMixin(models.Model):
    """A tree kept as a materialised path of codes ("/430100/430102/"), for subtree queries by prefix.

    Codes and parents are fixed once created (the admin shows them read-only), so paths never go stale.
    """

    code = models.SlugField(pgettext_lazy("org", "code"), max_length=40, unique=True, allow_unicode=False)
    path = models.CharField(pgettext_lazy("org", "path"), max_length=500, editable=False, db_index=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.path = self.compute_path()
        super().save(*args, **kwargs)

    def compute_path(self):
        prefix = self.parent.path if self.parent_id else "/"
        return f"{prefix}{self.code}/"

    @property
    def depth(self):
        return self.path.count("/") - 2

    def is_within(self, other):
        """True if this node is `other` or lies below it."""
        return self.path.startswith(other.path)


class Region(TreeMixin, BilingualNameMixin):
    """A place in the administrative tree: county > township/street > village/community > grid."""

    level = models.CharField(pgettext_lazy("org", "level"), max_length=20, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    centre_lat = models.DecimalField(
        _("centre latitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LATITUDE
    )
    centre_lon = models.DecimalField(
        _("centre longitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LONGITUDE
    )
    boundary = models.JSONField(_("boundary (GeoJSON geometry)"), null=True, blank=True)

    class Meta:
        ordering = ["path"]
        verbose_name = pgettext_lazy("org", "region")
        verbose_name_plural = pgettext_lazy("org", "regions")

    def clean(self):
        expected = REGION_PARENT_LEVEL.get(self.level)
        actual = self.parent.level if self.parent_id else None
        if expected != actual:
            if expected is None:
                raise ValidationError({"parent": _("A county has no parent region: leave it empty.")})
            raise ValidationError(
                {
                    "parent": _(
                        "A %(level)s must belong to a %(parent)s: choose a parent region of that level."
                    )
                    % {"level": RegionLevel(self.level).label, "parent": RegionLevel(expected).label}
                }
            )
        if (self.centre_lat is None) != (self.centre_lon is None):
            raise ValidationError(
                _("Give both the centre latitude and longitude, or neither."), code="centre_incomplete"
            )
        if self.boundary is not None:
            if not isinstance(self.boundary, dict) or self.boundary.get("type") not in (
                "Polygon",
                "MultiPolygon",
            ):
                raise ValidationError(
                    {"boundary": _("The boundary must be a GeoJSON Polygon or MultiPolygon geometry.")}
                )


class Unit(TreeMixin, BilingualNameMixin):
    """A handling unit: the service centre, a department, a township government, a public-service company."""

    kind = models.CharField(pgettext_lazy("org", "kind"), max_length=30, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    regions = models.ManyToManyField(
        Region, verbose_name=_("regions served"), blank=True, related_name="units"
    )
    public_phone = models.CharField(_("public office phone"), max_length=40, blank=True)
    is_active = models.BooleanField(pgettext_lazy("org", "active"), default=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("handling unit")
        verbose_name_plural = _("handling units")


class Membership(models.Model):
    """An official's role, in a unit (operator, dispatcher, handler, unit head) or over a region
    (supervisor, discipline inspector, mediator, analyst); administrators need neither."""

    user = models.ForeignKey(
        User,
        verbose_name=pgettext_lazy("org", "official"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(pgettext_lazy("org", "role"), max_length=30, choices=Role.choices)
    unit = models.ForeignKey(
        Unit,
        verbose_name=pgettext_lazy("org", "unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("jurisdiction"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    created_at = models.DateTimeField(pgettext_lazy("org", "since"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "unit"],
                condition=Q(unit__isnull=False),
                name="membership_unique_unit_role",
                violation_error_message=_(
                    "This official already holds this role in this unit: keep the existing membership."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "region"],
                condition=Q(region__isnull=False),
                name="membership_unique_region_role",
                violation_error_message=_(
                    "This official already holds this role over this region: keep the existing membership."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(unit__isnull=True, region__isnull=True),
                name="membership_unique_global_role",
                violation_error_message=_(
                    "This official already holds this role: keep the existing membership."
                ),
            ),
            models.CheckConstraint(
                condition=(
                    Q(role__in=sorted(UNIT_ROLES), unit__isnull=False, region__isnull=True)
                    | Q(role__in=sorted(REGION_ROLES), unit__isnull=True, region__isnull=False)
                    | Q(role=Role.ADMINISTRATOR, unit__isnull=True)
                ),
                name="membership_scope_matches_role",
                violation_error_message=_(
                    "Unit roles need a unit, regional roles a jurisdiction, administrators neither: "
                    "fill in the one that matches the role."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.unit or self.region or _('everywhere')}"

    def clean(self):
        has_unit, has_region = self._has("unit"), self._has("region")
        if self.role in UNIT_ROLES and (not has_unit or has_region):
            raise ValidationError(
                _("This role belongs to a unit: choose the unit and leave the jurisdiction empty.")
            )
        if self.role in REGION_ROLES and (not has_region or has_unit):
            raise ValidationError(
                _("This role covers a region: choose the jurisdiction and leave the unit empty.")
            )
        if self.role == Role.ADMINISTRATOR and has_unit:
            raise ValidationError(_("Administrators are not tied to a unit: leave the unit empty."))

    def _has(self, name):
        """Whether the relation is set, also to an object not saved yet (an admin inline on a new unit)."""
        field = self._meta.get_field(name)
        return getattr(self, field.attname) is not None or (
            field.is_cached(self) and field.get_cached_value(self) is not None
        )


class Citizen(models.Model):
    """A citizen's contact details, stored once and never shown on a public page, export or open API."""

    user = models.OneToOneField(
        User,
        verbose_name=pgettext_lazy("org", "account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="citizen",
    )
    name = models.CharField(pgettext_lazy("org", "name"), max_length=100, blank=True)
    phone = models.CharField(pgettext_lazy("org", "phone"), max_length=40, blank=True)
    email = models.EmailField(pgettext_lazy("org", "e-mail"), blank=True)
    address = models.CharField(pgettext_lazy("org", "address"), max_length=300, blank=True)
    # Residence checked by an official at a service counter (居民身份核验): where the citizen lives, when.
    residence = models.ForeignKey(
        Region,
        verbose_name=_("verified residence"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="residents",
    )
    residence_verified_at = models.DateTimeField(_("residence verified"), null=True, blank=True)
    created_at = models.DateTimeField(pgettext_lazy("org", "created"), auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("org", "citizen")
        verbose_name_plural = pgettext_lazy("org", "citizens")
        indexes = [models.Index(fields=["phone"])]

    def __str__(self):
        # Never the name: this string ends up in admin lists and audit events.
        return _("Citizen #%(id)s") % {"id": self.pk}

    def is_verified_resident_of(self, region):
        """True if an official verified that the citizen lives in `region` (or anywhere, for None)."""
        if self.residence_id is None or self.residence_verified_at is None:
            return False
        return region is None or self.residence.is_within(region)

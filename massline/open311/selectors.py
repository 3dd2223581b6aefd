"""Reads for Open311: services from the category tree, API keys, and the public view of demands.

Reference rows (a key, a service with its attributes) are cached for MASSLINE_OPEN311_CACHE_SECONDS, so
that a POST costs few statements; a revoked key or an edited definition is seen within that time.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db.models import Prefetch

from massline.cases.models import Case, CaseEvent, Category

from .choices import ServiceType
from .models import KEY_PREFIX_LENGTH, ApiKey, ServiceAttribute, ServiceOptions


@dataclass(frozen=True)
class AttributeSpec:
    code: str
    datatype: str
    variable: bool
    required: bool
    order: int
    description: str
    datatype_description: str
    values: tuple  # ((key, name), …)

    @property
    def value_keys(self):
        return [key for key, _name in self.values]


@dataclass(frozen=True)
class ServiceSpec:
    """A category as an Open311 service, with everything a POST needs."""

    category: Category
    type: str
    case_type: str
    service_notice: str
    attributes: tuple

    @property
    def code(self):
        return self.category.code


# What secrets.token_urlsafe produces: anything else is refused before it reaches the cache or database.
KEY_SHAPE = re.compile(r"^[A-Za-z0-9_-]+$")


def _cache_seconds():
    return settings.MASSLINE_OPEN311_CACHE_SECONDS


def _local():
    """This process's cache of reference rows (settings.CACHES["local"])."""
    return caches["local"]


def apikey_find(raw):
    """The active ApiKey whose secret is `raw`, or None. Compared in constant time against the digest."""
    if not raw or len(raw) <= KEY_PREFIX_LENGTH or len(raw) > 200 or not KEY_SHAPE.match(raw):
        return None
    prefix = raw[:KEY_PREFIX_LENGTH]
    cache_key = f"open311:key:{prefix}"
    key = _local().get(cache_key)
    if key is None:
        key = ApiKey.objects.filter(prefix=prefix, revoked_at__isnull=True).first() or False
        _local().set(cache_key, key, _cache_seconds())
    if key and key.matches(raw):
        return key
    return None


def apikey_forget(prefix):
    _local().delete(f"open311:key:{prefix}")


def service_categories():
    """Active categories offered as services: the leaves of the active tree, in tree order."""
    categories = list(Category.objects.filter(is_active=True).select_related("parent").order_by("path"))
    parents = {c.parent_id for c in categories if c.parent_id}
    return [c for c in categories if c.pk not in parents]


def top_level_names(categories):
    """{path code of a top-level category: its name} for the groups of `categories`."""
    codes = {c.path.strip("/").split("/")[0] for c in categories}
    return {c.code: c.label for c in Category.objects.filter(code__in=codes)}


def service_list():
    """(category, group name, has attributes, type) for every service."""
    categories = service_categories()
    groups = top_level_names(categories)
    with_attributes = set(
        ServiceAttribute.objects.filter(category__in=categories).values_list("category_id", flat=True)
    )
    types = dict(ServiceOptions.objects.filter(category__in=categories).values_list("category_id", "type"))
    return [
        (
            c,
            groups.get(c.path.strip("/").split("/")[0], ""),
            c.pk in with_attributes,
            types.get(c.pk, ServiceType.REALTIME),
        )
        for c in categories
    ]


def _load_service(code):
    category = Category.objects.filter(code=code, is_active=True).first()
    if category is None or Category.objects.filter(parent=category, is_active=True).exists():
        return None
    options = ServiceOptions.objects.filter(category=category).first()
    attributes = tuple(
        AttributeSpec(
            code=a.code,
            datatype=a.datatype,
            variable=a.variable,
            required=a.required,
            order=a.order,
            description=a.description,
            datatype_description=a.datatype_description,
            values=tuple((v.key, v.name) for v in a.values.all()),
        )
        for a in ServiceAttribute.objects.filter(category=category).prefetch_related("values")
    )
    return ServiceSpec(
        category=category,
        type=options.type if options else ServiceType.REALTIME,
        case_type=options.case_type if options else ServiceOptions._meta.get_field("case_type").default,
        service_notice=options.service_notice if options else "",
        attributes=attributes,
    )


def service_get(code, *, cached=True):
    """The ServiceSpec of an active leaf category `code`, or None."""
    cache_key = f"open311:service:{code}"
    spec = _local().get(cache_key) if cached else None
    if spec is None:
        spec = _load_service(code) or False
        _local().set(cache_key, spec, _cache_seconds())
    return spec or None


def service_forget(code):
    _local().delete(f"open311:service:{code}")


def public_requests():
    """Demands visible through Open311: those the citizen allowed to publish."""
    return Case.objects.filter(is_public=True).select_related(
        "category", "lead_unit", "open311_submission", "citizen"
    )


def public_events(case_ids):
    """The public timeline entries of the demands `case_ids`."""
    from massline.cases.choices import PUBLIC_EVENT_KINDS

    return CaseEvent.objects.filter(case_id__in=case_ids, kind__in=sorted(PUBLIC_EVENT_KINDS)).order_by(
        "at", "id"
    )


def with_notes(queryset):
    from massline.cases.choices import PUBLIC_EVENT_KINDS

    return queryset.prefetch_related(
        Prefetch(
            "events",
            queryset=CaseEvent.objects.filter(kind__in=sorted(PUBLIC_EVENT_KINDS)).order_by("at", "id"),
            to_attr="public_events",
        )
    )

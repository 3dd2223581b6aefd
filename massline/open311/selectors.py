"""Reads for Open311: services from the category tree, API keys, and the public view of demands.

Reference rows (a key, a service with its attributes) are cached for MASSLINE_OPEN311_CACHE_SECONDS, so
that a POST costs few statements; a revoked key or an edited definition is seen within that time.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db.models import OuterRef, Prefetch, Subquery
from django.utils.translation import gettext as _

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


# A demand's public id (cases.models.new_public_id): checked before it reaches the database.
PUBLIC_ID_SHAPE = re.compile(r"^[a-z][a-z0-9]{1,15}$")
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


def _reply_limits(urgency):
    """{category code or None (the default): its policy} for `urgency`, in one query."""
    from massline.cases.models import TimeLimitPolicy

    return {
        (p.category.code if p.category_id else None): p
        for p in TimeLimitPolicy.objects.filter(urgency=urgency).select_related("category")
    }


def service_description(category, group, policies):
    """What a client shows under the service's name: where it sits, its time limit, what it covers."""
    from massline.deadlines.choices import TimeUnit

    codes = [code for code in category.path.strip("/").split("/") if code]
    policy = next((policies[code] for code in reversed(codes) if code in policies), policies.get(None))
    where = f"{group} › {category.label}" if group and group != category.label else str(category.label)
    parts = [where + "."]
    if policy is not None:
        parts.append(
            _("Answered within %(amount)s %(unit)s after the handling unit signs for it (normal urgency).")
            % {
                "amount": f"{policy.reply_amount.normalize():f}",
                "unit": TimeUnit(policy.reply_unit).label,
            }
        )
    if category.keywords:
        parts.append(_("Covers: %(keywords)s.") % {"keywords": category.keywords.replace(",", ", ")})
    return " ".join(parts)


def service_list():
    """(category, group name, has attributes, type, description) for every service."""
    from massline.cases.choices import Urgency

    categories = service_categories()
    groups = top_level_names(categories)
    policies = _reply_limits(Urgency.NORMAL)
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
            service_description(c, groups.get(c.path.strip("/").split("/")[0], ""), policies),
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
    """Demands visible through Open311: those the citizen allowed to publish, each with the time of its
    latest public event (a transfer or an extension changes the request as much as a status does)."""
    from massline.cases.choices import PUBLIC_EVENT_KINDS

    last_event = (
        CaseEvent.objects.filter(case=OuterRef("pk"), kind__in=sorted(PUBLIC_EVENT_KINDS))
        .order_by("-at")
        .values("at")[:1]
    )
    return (
        Case.objects.filter(is_public=True)
        .select_related("category", "lead_unit", "open311_submission", "citizen")
        .annotate(last_public_event_at=Subquery(last_event))
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

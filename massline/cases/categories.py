"""Category trees and default time-limit policies: the official three-level 12345 taxonomy
(一级/二级/三级分类) for the Chinese demo, an English tree built from Boston's 311 service types,
and believable defaults.

Loading is idempotent: a node is found again by its parent and name, so a re-run creates nothing and an
administrator's edits (default unit, route by place, policies) survive it. New nodes get codes from their
position under their parent ("zh-01-02-03"), so codes never change once given.
"""

import csv
import gzip
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from massline.audit.services import audit_record
from massline.deadlines.choices import TimeUnit
from massline.org import services as org_services
from massline.org.choices import RegionLevel, UnitKind
from massline.org.demo import DEMO_UNIT_FOR_CATEGORY
from massline.org.models import Region, Unit

from .choices import Urgency
from .models import Category, TimeLimitPolicy


def data_dir():
    """Where the public data sets live (../shared/data beside the checkout unless MASSLINE_DATA_DIR says)."""
    configured = getattr(settings, "MASSLINE_DATA_DIR", None)
    return Path(configured) if configured else Path(settings.BASE_DIR).parent / "shared" / "data"


def taxonomy_csv():
    return data_dir() / "teddy2020c" / "attachment1_label_taxonomy.csv"


def boston2015_csv():
    return data_dir() / "boston311_2015" / "boston311_2015_all.csv.gz"


ZH_PREFIX = "zh"
BOSTON_PREFIX = "bos"

# English names of the 15 first-level classes, for the English interface.
ZH_FIRST_LEVEL_EN = {
    "城乡建设": "Urban and rural construction",
    "党务政务": "Party and government affairs",
    "国土资源": "Land and natural resources",
    "环境保护": "Environmental protection",
    "纪检监察": "Discipline inspection",
    "交通运输": "Transport",
    "经济管理": "Economic management",
    "科技与信息产业": "Science, technology and IT",
    "民政": "Civil affairs",
    "农村农业": "Agriculture and rural affairs",
    "商贸旅游": "Commerce and tourism",
    "卫生计生": "Health and family planning",
    "政法": "Public security and justice",
    "教育文体": "Education, culture and sports",
    "劳动和社会保障": "Labour and social security",
}

# Matters of the place itself (residential compounds, property management, village and community
# affairs): demands go to the township/street government of the demand's place (属地管理).
ROUTE_BY_PLACE = frozenset(
    {
        ("城乡建设", "城市建设和市政管理", "小区管理"),
        ("城乡建设", "城市建设和市政管理", "居民服务设施"),
        ("城乡建设", "住房保障与房地产", "物业服务"),
        ("城乡建设", "村镇建设"),
        ("民政", "基层选举和社区建设"),
        ("农村农业", "村务管理"),
        ("农村农业", "土地承包经营", "宅基地纠纷"),
    }
)

# Utilities (水电气暖): the public-service company that handles them (heating has none in the demo county,
# so it stays with the housing bureau), and a 24-hour reply limit.
UTILITIES = {
    ("城乡建设", "城市建设和市政管理", "自来水供应"): "water",
    ("城乡建设", "城市建设和市政管理", "电力供应"): "power",
    ("城乡建设", "城市建设和市政管理", "燃气供应"): "gas",
    ("城乡建设", "城市建设和市政管理", "冬季采暖"): None,
}

# Default policies by urgency: (sign, contact, reply), each (amount, unit).
WH, WD, H = TimeUnit.WORKING_HOURS, TimeUnit.WORKING_DAYS, TimeUnit.HOURS
DEFAULT_POLICIES = {
    Urgency.EMERGENCY: (("0.5", WH), ("1", WH), ("2", WH)),
    Urgency.URGENT: (("1", WH), ("2", WH), ("1", WD)),
    Urgency.NORMAL: (("2", WH), ("1", WD), ("7", WD)),
    Urgency.COMPLEX: (("2", WH), ("1", WD), ("15", WD)),
}
# Utilities run round the clock: plain hours, not working hours.
UTILITY_POLICIES = {
    Urgency.EMERGENCY: (("0.5", H), ("1", H), ("2", H)),
    Urgency.URGENT: (("1", H), ("2", H), ("24", H)),
    Urgency.NORMAL: (("1", H), ("2", H), ("24", H)),
}
WARN_AT = "0.5,0.8"
MAX_EXTENSIONS = 1


@dataclass
class TreeSummary:
    created: int = 0
    existing: int = 0

    @property
    def total(self):
        return self.created + self.existing


def _node_code(parent_code, number):
    return f"{parent_code}-{number:02d}"


def _load_tree(paths, *, prefix, attributes):
    """Create the nodes of `paths` (tuples of names, every prefix of a path being a node) that are missing.

    `attributes(path)` gives the fields of a new node (name_en, default_unit, route_by_place).
    Returns ({path: Category}, TreeSummary).
    """
    ordered = []
    seen = set()
    for path in paths:
        for depth in range(1, len(path) + 1):
            node = tuple(path[:depth])
            if node not in seen:
                seen.add(node)
                ordered.append(node)
    existing = Category.objects.filter(code__startswith=f"{prefix}-")
    by_parent = defaultdict(dict)
    used_numbers = defaultdict(set)
    for category in existing:
        by_parent[category.parent_id][category.name] = category
        used_numbers[category.parent_id].add(category.code)
    nodes, summary = {}, TreeSummary()
    max_depth = max((len(node) for node in ordered), default=0)
    for depth in range(1, max_depth + 1):
        new = []
        for node in (n for n in ordered if len(n) == depth):
            parent = nodes[node[:-1]] if depth > 1 else None
            parent_id = parent.pk if parent else None
            found = by_parent[parent_id].get(node[-1])
            if found is not None:
                nodes[node] = found
                summary.existing += 1
                continue
            base = parent.code if parent else prefix
            number = 1
            while _node_code(base, number) in used_numbers[parent_id]:
                number += 1
            code = _node_code(base, number)
            used_numbers[parent_id].add(code)
            category = Category(code=code, name=node[-1], parent=parent, **attributes(node))
            category.path = category.compute_path()
            new.append(category)
            nodes[node] = category
            by_parent[parent_id][node[-1]] = category
        if new:
            Category.objects.bulk_create(new)
            summary.created += len(new)
            if not all(c.pk for c in new):
                # A backend without RETURNING: read the ids back for the next level's parents.
                ids = dict(Category.objects.filter(code__in=[c.code for c in new]).values_list("code", "pk"))
                for category in new:
                    category.pk = category.id = ids[category.code]
    return nodes, summary


def read_taxonomy(path):
    """The (一级, 二级, 三级) rows of the taxonomy file, in the file's order, blanks dropped."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = []
        for row in reader:
            names = tuple((row.get(column) or "").strip() for column in ("一级分类", "二级分类", "三级分类"))
            names = tuple(name for name in names if name)
            if names:
                rows.append(names)
    return rows


def _place_route(path):
    return any(path[: len(rule)] == rule for rule in ROUTE_BY_PLACE)


def load_taxonomy_csv(path=None, *, by=None):
    """Load the official three-level category tree (附件1) into categories under the "zh" codes.

    Each first-level class gets the demo county's department as its default unit (org.demo's mapping)
    and passes it down; utilities go to the public-service companies; place matters are routed by place.
    Units that do not exist (a database without the demo county) are left empty.
    """
    path = Path(path) if path else taxonomy_csv()
    rows = read_taxonomy(path)
    unit_codes = set(DEMO_UNIT_FOR_CATEGORY.values()) | {code for code in UTILITIES.values() if code}
    units = {unit.code: unit for unit in Unit.objects.filter(code__in=unit_codes)}

    def attributes(node):
        unit = units.get(DEMO_UNIT_FOR_CATEGORY.get(node[0]))
        utility = next((code for rule, code in UTILITIES.items() if node[: len(rule)] == rule), None)
        if utility and utility in units:
            unit = units[utility]
        return {
            "name_en": ZH_FIRST_LEVEL_EN.get(node[0], "") if len(node) == 1 else "",
            "default_unit": unit,
            "route_by_place": _place_route(node),
        }

    with transaction.atomic():
        nodes, summary = _load_tree(rows, prefix=ZH_PREFIX, attributes=attributes)
        audit_record(
            action="cases.category.tree_loaded",
            object_type="cases.category",
            object_id=ZH_PREFIX,
            object_repr=path.name,
            actor=by,
            details={"file": path.name, "created": summary.created, "existing": summary.existing},
        )
    return summary


# --- Boston ---------------------------------------------------------------------------------------

# A few top-level groups over the city's "reasons" (the second level); the types are the third.
BOSTON_GROUPS = {
    "Streets, Sidewalks & Lights": [
        "Highway Maintenance",
        "Signs & Signals",
        "Street Lights",
        "Operations",
        "Traffic Management & Engineering",
        "Pothole",
        "Bridge Maintenance",
        "Boston Bikes",
        "MBTA",
        "Snow & Ice",
    ],
    "Sanitation & Environment": [
        "Street Cleaning",
        "Recycling",
        "Sanitation",
        "Graffiti",
        "Environmental Services",
        "Needle Program",
        "Code Enforcement",
        "Air Pollution Control",
    ],
    "Housing, Buildings & Health": [
        "Building",
        "Housing",
        "Health",
        "Investigations and Enforcement",
        "Weights and Measures",
    ],
    "Parks & Trees": ["Trees", "Park Maintenance & Safety", "Cemetery"],
    "Parking & Vehicles": [
        "Enforcement & Abandoned Vehicles",
        "Abandoned Bicycle",
        "Parking Complaints",
        "Office of The Parking Clerk",
        "Valet",
    ],
    "Water & Sewer": ["Water Issues", "Catchbasin", "Fire Hydrant"],
    "Animals & Noise": [
        "Animal Issues",
        "Generic Noise Disturbance",
        "Noise Disturbance",
        "Massport",
        "Neighborhood Services Issues",
        "Consumer Affairs Issues",
    ],
}
BOSTON_OTHER_GROUP = "General Requests & Comments"
# The Open311 service names of the 2008-2017 requests, placed in the tree.
OPEN311_SERVICES = {
    "Illegal Parking": ("Parking & Vehicles", "Parking Complaints", "Illegal Parking"),
    "Abandoned Vehicle": ("Parking & Vehicles", "Enforcement & Abandoned Vehicles", "Abandoned Vehicles"),
    "Sidewalk Not Shoveled": ("Streets, Sidewalks & Lights", "Snow & Ice", "Sidewalk Not Shoveled"),
    "Other": (BOSTON_OTHER_GROUP, "Other"),
}
BOSTON_REGION = ("bos", "波士顿市", "City of Boston")
# The city's department codes (Department column) as handling units; the rest fall to the hotline.
BOSTON_DEPARTMENTS = {
    "INFO": ("bos-info", "Mayor's 24 Hour Hotline", UnitKind.CENTRE),
    "PWDx": ("bos-pwd", "Public Works Department", UnitKind.DEPARTMENT),
    "ISD": ("bos-isd", "Inspectional Services Department", UnitKind.DEPARTMENT),
    "BTDT": ("bos-btd", "Transportation Department", UnitKind.DEPARTMENT),
    "PARK": ("bos-park", "Parks & Recreation Department", UnitKind.DEPARTMENT),
    "PROP": ("bos-prop", "Property Management", UnitKind.DEPARTMENT),
    "HS_O": ("bos-civil-rights", "Office of Civil Rights", UnitKind.DEPARTMENT),
    "BWSC": ("bos-bwsc", "Boston Water & Sewer Commission", UnitKind.PUBLIC_SERVICE),
    "DISB": ("bos-disability", "Disability Commission", UnitKind.DEPARTMENT),
    "ANML": ("bos-animal", "Animal Control", UnitKind.DEPARTMENT),
}
BOSTON_FALLBACK_DEPARTMENT = "INFO"


def boston_group(reason):
    for group, reasons in BOSTON_GROUPS.items():
        if reason in reasons:
            return group
    return BOSTON_OTHER_GROUP


def boston_type_path(reason, type_name):
    return (boston_group(reason), reason, type_name)


def boston_department_unit_code(department):
    code, _name, _kind = BOSTON_DEPARTMENTS.get(department) or BOSTON_DEPARTMENTS[BOSTON_FALLBACK_DEPARTMENT]
    return code


def ensure_boston_units(*, by=None):
    """The City of Boston as a region with its 311 departments as units ({department code: Unit})."""
    code, name, name_en = BOSTON_REGION
    region = Region.objects.filter(code=code).first() or org_services.region_create(
        code=code, name=name, name_en=name_en, level=RegionLevel.COUNTY, parent=None, by=by
    )
    units = {}
    for department, (unit_code, unit_name, kind) in BOSTON_DEPARTMENTS.items():
        unit = Unit.objects.filter(code=unit_code).first() or org_services.unit_create(
            code=unit_code, name=unit_name, name_en=unit_name, kind=kind, regions=[region], by=by
        )
        units[department] = unit
    return units


def read_boston_types(path=None, *, limit=None):
    """{(reason, type): the department that handled most of them} from the 2015 export."""
    path = Path(path) if path else boston2015_csv()
    departments = defaultdict(Counter)
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        for index, row in enumerate(csv.DictReader(handle)):
            if limit is not None and index >= limit:
                break
            reason, type_name = (row.get("REASON") or "").strip(), (row.get("TYPE") or "").strip()
            if reason and type_name:
                departments[(reason, type_name)][(row.get("Department") or "").strip()] += 1
    return {key: counts.most_common(1)[0][0] for key, counts in departments.items()}


def _boston_path_order(path):
    groups = list(BOSTON_GROUPS)
    return (groups.index(path[0]) if path[0] in groups else len(groups), path)


def ensure_boston_paths(departments, *, units):
    """Create the missing Boston nodes of `departments` ({path: the city's department code or None}),
    each type with its department's unit as default unit. Returns ({path: Category}, TreeSummary)."""
    fixed_units = {
        "Illegal Parking": "BTDT",
        "Abandoned Vehicles": "BTDT",
        "Sidewalk Not Shoveled": "PWDx",
    }

    def attributes(node):
        department = departments.get(node) or fixed_units.get(node[-1]) or BOSTON_FALLBACK_DEPARTMENT
        return {
            "name_en": node[-1],
            "default_unit": units.get(department) or units[BOSTON_FALLBACK_DEPARTMENT],
        }

    nodes, summary = _load_tree(
        sorted(departments, key=_boston_path_order), prefix=BOSTON_PREFIX, attributes=attributes
    )
    return {path: nodes[path] for path in departments}, summary


def load_boston_tree(*, by=None, path=None, limit=None):
    """An English three-level tree for the Boston demo: group > the city's reason > its case type, plus
    the Open311 service names; each type's default unit is the department that handled most of them."""
    types = read_boston_types(path, limit=limit)
    with transaction.atomic():
        units = ensure_boston_units(by=by)
        departments = {boston_type_path(reason, name): dept for (reason, name), dept in types.items()}
        departments.update({p: None for p in OPEN311_SERVICES.values()})
        _nodes, summary = ensure_boston_paths(departments, units=units)
        audit_record(
            action="cases.category.tree_loaded",
            object_type="cases.category",
            object_id=BOSTON_PREFIX,
            object_repr="Boston 311",
            actor=by,
            details={"created": summary.created, "existing": summary.existing},
        )
    return summary


# --- policies -------------------------------------------------------------------------------------


def _policy_fields(spec):
    (sign, sign_unit), (contact, contact_unit), (reply, reply_unit) = spec
    return {
        "sign_amount": Decimal(sign),
        "sign_unit": sign_unit,
        "contact_amount": Decimal(contact),
        "contact_unit": contact_unit,
        "reply_amount": Decimal(reply),
        "reply_unit": reply_unit,
        "warn_at": WARN_AT,
        "max_extensions": MAX_EXTENSIONS,
    }


def utility_categories():
    """The loaded categories of water, power, gas and heating supply."""
    names = {rule[-1] for rule in UTILITIES}
    return list(
        Category.objects.filter(code__startswith=f"{ZH_PREFIX}-", name__in=names, parent__isnull=False)
    )


def ensure_default_policies(*, by=None):
    """The default policy of every urgency, and 24-hour policies for the utilities; existing ones are kept.

    Returns the number of policies created.
    """
    created = 0
    with transaction.atomic():
        for urgency, spec in DEFAULT_POLICIES.items():
            _policy, new = TimeLimitPolicy.objects.get_or_create(
                category=None, urgency=urgency, defaults=_policy_fields(spec)
            )
            created += new
        for category in utility_categories():
            for urgency, spec in UTILITY_POLICIES.items():
                _policy, new = TimeLimitPolicy.objects.get_or_create(
                    category=category, urgency=urgency, defaults=_policy_fields(spec)
                )
                created += new
        if created:
            audit_record(
                action="cases.policy.defaults_loaded",
                object_type="cases.timelimitpolicy",
                object_id="defaults",
                actor=by,
                details={"created": created},
            )
    return created

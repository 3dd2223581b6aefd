"""Open311 in the demo: service definitions with attributes on several categories of the demo tree, an API
key printed once for trying the endpoints, and a few requests posted through Open311 itself so that a
client's default GET requests (the last 90 days) has something to show.

Idempotent: definitions are found again by category and code; a key is issued only when the demo client
has none (its secret is not stored, so a re-run says how to issue a new one).
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from massline.cases.models import Case, Category

from . import selectors, services
from .choices import Datatype, ServiceType
from .inputs import RequestInput
from .models import ApiKey, AttributeValue, ServiceAttribute, ServiceOptions

DEMO_CLIENT = "demo"
RECENT_DAYS = 90
WANTED_RECENT = 5

# Leaf category (by its Chinese name in the demo taxonomy) → (service type, attributes).
# An attribute: (code, datatype, required, question, [(key, name), …]).
DEFINITIONS = {
    "噪音污染": (
        ServiceType.REALTIME,
        [
            (
                "source",
                Datatype.SINGLEVALUELIST,
                True,
                "噪声来源 / Source of the noise",
                [
                    ("construction", "施工 / Construction"),
                    ("shop", "商铺 / Shop"),
                    ("neighbour", "邻里 / Neighbour"),
                    ("traffic", "交通 / Traffic"),
                ],
            ),
            (
                "times",
                Datatype.MULTIVALUELIST,
                False,
                "什么时候 / When",
                [("day", "白天 / Day"), ("evening", "晚上 / Evening"), ("night", "深夜 / Late night")],
            ),
            ("since", Datatype.DATETIME, False, "从什么时候开始 / Since when", []),
        ],
    ),
    "城市公共设施": (
        ServiceType.REALTIME,
        [
            (
                "facility",
                Datatype.SINGLEVALUELIST,
                True,
                "哪种设施 / Which facility",
                [
                    ("streetlight", "路灯 / Street light"),
                    ("manhole", "井盖 / Manhole cover"),
                    ("bench", "座椅 / Bench"),
                    ("sign", "标志牌 / Sign"),
                ],
            ),
            ("count", Datatype.NUMBER, False, "损坏几处 / How many are broken", []),
            ("safety", Datatype.STRING, False, "如有危险请先远离 / If it is dangerous, keep away first", []),
        ],
    ),
    "环境卫生": (
        ServiceType.REALTIME,
        [
            (
                "kind",
                Datatype.MULTIVALUELIST,
                True,
                "问题类型 / What kind of problem",
                [
                    ("litter", "垃圾 / Litter"),
                    ("overflow", "垃圾桶满溢 / Overflowing bin"),
                    ("dumping", "建筑垃圾 / Dumped rubble"),
                    ("smell", "异味 / Smell"),
                ],
            ),
            ("area", Datatype.NUMBER, False, "大约多少平方米 / About how many square metres", []),
        ],
    ),
    "自来水供应": (
        ServiceType.BATCH,
        [
            (
                "issue",
                Datatype.SINGLEVALUELIST,
                True,
                "什么问题 / What is wrong",
                [
                    ("outage", "停水 / No water"),
                    ("pressure", "水压低 / Low pressure"),
                    ("quality", "水质 / Water quality"),
                    ("leak", "漏水 / Leak"),
                ],
            ),
            ("households", Datatype.NUMBER, False, "影响多少户 / Households affected", []),
            ("details", Datatype.TEXT, False, "补充说明 / More details", []),
        ],
    ),
}

SAMPLE_REQUESTS = [
    ("城市公共设施", "人民路的路灯晚上不亮，已经三天了。", {"facility": "streetlight", "count": "2"}),
    ("噪音污染", "工地深夜施工，噪声很大。", {"source": "construction", "times": ["night"]}),
    ("环境卫生", "小区门口垃圾桶满溢，无人清运。", {"kind": ["overflow", "smell"]}),
    ("城市公共设施", "东湖路井盖缺失，很危险。", {"facility": "manhole"}),
    ("噪音污染", "商铺音响声音太大。", {"source": "shop", "times": ["day", "evening"]}),
]


def _leaf(name):
    for category in Category.objects.filter(name=name, is_active=True).order_by("path"):
        if not category.children.filter(is_active=True).exists():
            return category
    return None


def ensure_definitions():
    """The demo's service definitions; returns the categories that have one."""
    defined = []
    for name, (service_type, attributes) in DEFINITIONS.items():
        category = _leaf(name)
        if category is None:
            continue
        ServiceOptions.objects.get_or_create(category=category, defaults={"type": service_type})
        for order, (code, datatype, required, question, values) in enumerate(attributes, 1):
            attribute, _created = ServiceAttribute.objects.get_or_create(
                category=category,
                code=code,
                defaults={
                    "datatype": datatype,
                    "required": required,
                    "order": order,
                    "description": question,
                },
            )
            for n, (key, label) in enumerate(values, 1):
                AttributeValue.objects.get_or_create(
                    attribute=attribute, key=key, defaults={"name": label, "order": n}
                )
        selectors.service_forget(category.code)
        defined.append(category)
    return defined


def _recent_requests(key, categories):
    """Post sample requests through Open311 when fewer than WANTED_RECENT recent public demands exist."""
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    missing = WANTED_RECENT - Case.objects.filter(is_public=True, received_at__gte=since).count()
    by_name = {category.name: category for category in categories}
    posted = 0
    for name, description, answers in SAMPLE_REQUESTS[: max(missing, 0)]:
        if name not in by_name:
            continue
        service = selectors.service_get(by_name[name].code, cached=False)
        if service is None:
            continue
        services.request_submit(
            api_key=key,
            service=service,
            data=RequestInput(
                service_code=service.code, address_string="示范县城关街道", description=description
            ),
            attributes=answers,
        )
        posted += 1
    return posted


def load_open311_demo(report=None):
    """Definitions, the demo key (printed once) and recent requests. Returns the lines it reports."""
    lines = []
    categories = ensure_definitions()
    key = ApiKey.objects.filter(name=DEMO_CLIENT, revoked_at__isnull=True).first()
    if key is None:
        key, raw = services.apikey_create(name=DEMO_CLIENT, contact="demo")
        base = (settings.MASSLINE_PUBLIC_URL or "http://127.0.0.1:8000").rstrip("/")
        lines.append(
            _(
                "Open311: API key of the demo client (shown once, keep it): %(key)s — try "
                "curl %(base)s/open311/v2/services.json"
            )
            % {"key": raw, "base": base}
        )
    else:
        lines.append(
            _(
                "Open311: the demo key was already issued; revoke and create a new one with "
                "`massline open311 keys revoke %(name)s && massline open311 keys create %(name)s`."
            )
            % {"name": DEMO_CLIENT}
        )
    posted = _recent_requests(key, categories)
    lines.append(
        _("Open311: %(services)d services with definitions, %(posted)d requests posted through Open311 now.")
        % {"services": len(categories), "posted": posted}
    )
    if report is not None:
        for line in lines:
            report.note(line)
    return lines


def load_demo(report):
    """The hook `massline demo` calls (after the cases demo, by INSTALLED_APPS order)."""
    load_open311_demo(report)

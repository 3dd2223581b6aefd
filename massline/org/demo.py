"""The demo county (示范县): regions down to grids, 25 handling units, officials for every role.

`massline demo` calls `load_demo(report)` of every installed app that has a `demo` module, in the order
of INSTALLED_APPS (org first, then the apps built on it). Each loader is idempotent: it looks records
up by code or user name, creates what is missing and leaves what exists alone (an administrator's
edits survive a re-run), except that demo accounts get the demo password back. Writes go through the
services, so the demo leaves audit events like any other change.
"""

import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password, make_password
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from . import services
from .choices import REGION_ROLES, UNIT_ROLES, RegionLevel, Role, UnitKind
from .geojson_io import boundaries_import, demo_boundaries
from .models import Citizen, Membership, Region, Unit, User

# One password for every demo account (printed by `massline demo`; never use the demo in production).
DEMO_PASSWORD = "massline-demo"  # noqa: S105 (a published demo password, by design)

COUNTY = {
    "code": "430199",
    "name": "示范县",
    "name_en": "Demo County",
    "lat": Decimal("28.200000"),
    "lon": Decimal("112.950000"),
}

# Townships and streets, with their villages or communities (code suffix, Chinese, English, offsets).
TOWNSHIPS = [
    (
        "001",
        "城关街道",
        "Chengguan Subdistrict",
        (0.00, 0.00),
        [
            ("解放社区", "Jiefang Community"),
            ("人民路社区", "Renminlu Community"),
            ("文庙坪社区", "Wenmiaoping Community"),
        ],
    ),
    (
        "002",
        "东湖街道",
        "Donghu Subdistrict",
        (0.02, 0.06),
        [
            ("东湖社区", "Donghu Community"),
            ("新桥社区", "Xinqiao Community"),
            ("望月社区", "Wangyue Community"),
        ],
    ),
    (
        "003",
        "西山镇",
        "Xishan Town",
        (0.01, -0.11),
        [("西山村", "Xishan Village"), ("枫林村", "Fenglin Village"), ("石门村", "Shimen Village")],
    ),
    (
        "004",
        "南岭镇",
        "Nanling Town",
        (-0.10, 0.02),
        [("南岭村", "Nanling Village"), ("茶园村", "Chayuan Village"), ("桃花村", "Taohua Village")],
    ),
    (
        "005",
        "北河乡",
        "Beihe Township",
        (0.12, -0.03),
        [("北河村", "Beihe Village"), ("柳塘村", "Liutang Village"), ("金盆村", "Jinpen Village")],
    ),
    (
        "006",
        "青石乡",
        "Qingshi Township",
        (-0.07, -0.12),
        [("青石村", "Qingshi Village"), ("龙泉村", "Longquan Village"), ("白沙村", "Baisha Village")],
    ),
]
GRIDS_PER_VILLAGE = 2

CENTRE = ("c12345", "示范县12345政务服务便民热线中心", "Demo County 12345 Hotline Service Centre", "12345")

# The first-level categories of the 12345 taxonomy and the department that handles each.
DEPARTMENTS = [
    ("zjj", "城乡建设", "示范县住房和城乡建设局", "Housing and Urban-Rural Development Bureau"),
    ("sthj", "环境保护", "示范县生态环境分局", "Ecology and Environment Sub-bureau"),
    ("jtj", "交通运输", "示范县交通运输局", "Transport Bureau"),
    ("swj", "商贸旅游", "示范县商务和文化旅游局", "Commerce, Culture and Tourism Bureau"),
    ("wjj", "卫生计生", "示范县卫生健康局", "Health Bureau"),
    ("rsj", "劳动和社会保障", "示范县人力资源和社会保障局", "Human Resources and Social Security Bureau"),
    ("jyj", "教育文体", "示范县教育体育局", "Education and Sports Bureau"),
    ("nyj", "农村农业", "示范县农业农村局", "Agriculture and Rural Affairs Bureau"),
    ("mzj", "民政", "示范县民政局", "Civil Affairs Bureau"),
    ("gaj", "政法", "示范县公安局", "Public Security Bureau"),
    ("zrzyj", "国土资源", "示范县自然资源局", "Natural Resources Bureau"),
    ("scjgj", "经济管理", "示范县市场监督管理局", "Market Regulation Administration"),
    ("kgxj", "科技与信息产业", "示范县科技和工业信息化局", "Science, Technology and Industry Bureau"),
    ("zfb", "党务政务", "示范县人民政府办公室", "County Government Office"),
    ("jw", "纪检监察", "示范县纪委监委", "Commission for Discipline Inspection and Supervision"),
]
# First-level category (一级分类) -> unit code, for the apps that route demands in the demo.
DEMO_UNIT_FOR_CATEGORY = {category: code for code, category, _name, _en in DEPARTMENTS}

PUBLIC_SERVICES = [
    ("water", "示范县自来水有限公司", "Demo County Water Supply Co.", "0731-86990001"),
    ("power", "国网示范县供电公司", "State Grid Demo County Power Supply Co.", "95598"),
    ("gas", "示范县燃气有限公司", "Demo County Gas Co.", "0731-86990003"),
]

# (user name, display name, role, unit code or region code or None)
OFFICIALS = [
    ("operator", "周敏", Role.OPERATOR, "c12345"),
    ("dispatcher", "李强", Role.DISPATCHER, "c12345"),
    ("handler_zj", "王磊", Role.HANDLER, "zjj"),
    ("head_zj", "陈建国", Role.UNIT_HEAD, "zjj"),
    ("handler_sthj", "刘洋", Role.HANDLER, "sthj"),
    ("handler_water", "赵婷", Role.HANDLER, "water"),
    ("handler_cg", "黄伟", Role.HANDLER, "gov-430199001"),
    ("head_cg", "孙丽", Role.UNIT_HEAD, "gov-430199001"),
    ("supervisor", "吴刚", Role.SUPERVISOR, "430199"),
    ("supervisor_xs", "郑芳", Role.SUPERVISOR, "430199003"),
    ("inspector", "冯涛", Role.DISCIPLINE_INSPECTOR, "430199"),
    ("mediator", "何秀英", Role.MEDIATOR, "430199"),
    ("analyst", "何静", Role.ANALYST, "430199"),
    ("admin", "管理员", Role.ADMINISTRATOR, None),
]
DEMO_CITIZEN = {"username": "citizen", "name": "张三", "phone": "13800138000", "address": "示范县人民路1号"}


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    scope: str
    password: str


@dataclass
class DemoReport:
    """What the loaders did, printed by `massline demo`: one line per app, then the demo logins."""

    notes: list = field(default_factory=list)
    logins: list = field(default_factory=list)

    def note(self, text):
        self.notes.append(str(text))

    def login(self, *, username, role, scope, password=DEMO_PASSWORD):
        self.logins.append(DemoLogin(username=username, role=str(role), scope=str(scope), password=password))


class _Run:
    """What one run of the loader counts and caches: new records, and the demo password's hash.

    Hashing with argon2 is deliberately slow, so every demo account shares one hash of the (published)
    demo password: one hash per run, and one check per distinct stored hash on a re-run.
    """

    def __init__(self):
        self.created = 0
        self._hash = None
        self._verified = {}

    def password_hash(self):
        if self._hash is None:
            password_validation.validate_password(DEMO_PASSWORD)
            self._hash = make_password(DEMO_PASSWORD)
        return self._hash

    def is_demo_password(self, encoded):
        if encoded not in self._verified:
            self._verified[encoded] = check_password(DEMO_PASSWORD, encoded)
        return self._verified[encoded]


def _region(run, *, code, name, name_en, level, parent, lat, lon):
    region = Region.objects.filter(code=code).first()
    if region is None:
        region = services.region_create(
            code=code,
            name=name,
            name_en=name_en,
            level=level,
            parent=parent,
            centre_lat=Decimal(lat).quantize(Decimal("0.000001")),
            centre_lon=Decimal(lon).quantize(Decimal("0.000001")),
            by=None,
        )
        run.created += 1
    return region


def _regions(run):
    county = _region(
        run,
        code=COUNTY["code"],
        name=COUNTY["name"],
        name_en=COUNTY["name_en"],
        level=RegionLevel.COUNTY,
        parent=None,
        lat=COUNTY["lat"],
        lon=COUNTY["lon"],
    )
    townships = {}
    for suffix, name, name_en, (dlat, dlon), villages in TOWNSHIPS:
        t_lat, t_lon = COUNTY["lat"] + Decimal(str(dlat)), COUNTY["lon"] + Decimal(str(dlon))
        township = _region(
            run,
            code=f"{county.code}{suffix}",
            name=name,
            name_en=name_en,
            level=RegionLevel.TOWNSHIP,
            parent=county,
            lat=t_lat,
            lon=t_lon,
        )
        townships[township.code] = township
        for v_index, (v_name, v_name_en) in enumerate(villages, start=1):
            v_lat = t_lat + Decimal("0.012") * (v_index - 2)
            v_lon = t_lon + Decimal("0.009") * ((v_index % 2) * 2 - 1)
            village = _region(
                run,
                code=f"{township.code}{v_index:03d}",
                name=v_name,
                name_en=v_name_en,
                level=RegionLevel.VILLAGE,
                parent=township,
                lat=v_lat,
                lon=v_lon,
            )
            for g_index in range(1, GRIDS_PER_VILLAGE + 1):
                _region(
                    run,
                    code=f"{village.code}-{g_index:02d}",
                    name=f"{v_name}第{g_index}网格",
                    name_en=f"{v_name_en} Grid {g_index}",
                    level=RegionLevel.GRID,
                    parent=village,
                    lat=v_lat + Decimal("0.002") * (g_index * 2 - 3),
                    lon=v_lon,
                )
    return county, townships


def _boundaries(run, county):
    """Made-up boundaries (Voronoi cells around the centres, `geojson_io.demo_boundaries`) so the maps
    have areas to colour; imported through the same code as `massline org import-boundaries`, and only
    while the county has none (a real boundary file imported later is left alone)."""
    if county.boundary is not None:
        return
    collection = demo_boundaries(county)
    result = boundaries_import(data=json.dumps(collection).encode(), by=None)
    run.created += result.updated


def _unit(run, *, code, name, name_en, kind, regions, public_phone=""):
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        unit = services.unit_create(
            code=code,
            name=name,
            name_en=name_en,
            kind=kind,
            regions=regions,
            public_phone=public_phone,
            by=None,
        )
        run.created += 1
    return unit


def _units(run, county, townships):
    code, name, name_en, phone = CENTRE
    _unit(
        run,
        code=code,
        name=name,
        name_en=name_en,
        kind=UnitKind.CENTRE,
        regions=[county],
        public_phone=phone,
    )
    for index, (code, _category, name, name_en) in enumerate(DEPARTMENTS, start=1):
        _unit(
            run,
            code=code,
            name=name,
            name_en=name_en,
            kind=UnitKind.DEPARTMENT,
            regions=[county],
            public_phone=f"0731-8698{index:04d}",
        )
    for code, name, name_en, phone in PUBLIC_SERVICES:
        _unit(
            run,
            code=code,
            name=name,
            name_en=name_en,
            kind=UnitKind.PUBLIC_SERVICE,
            regions=[county],
            public_phone=phone,
        )
    for index, township in enumerate(townships.values(), start=1):
        street = township.name.endswith("街道")
        _unit(
            run,
            code=f"gov-{township.code}",
            name=f"{township.name}办事处" if street else f"{township.name}人民政府",
            name_en=f"{township.name_en} Office" if street else f"{township.name_en} Government",
            kind=UnitKind.TOWNSHIP_GOVERNMENT,
            regions=[township],
            public_phone=f"0731-8697{index:04d}",
        )


def _officials(run, report):
    for username, display_name, role, place in OFFICIALS:
        unit = Unit.objects.get(code=place) if role in UNIT_ROLES else None
        region = Region.objects.get(code=place) if role in REGION_ROLES else None
        user = _account(run, username=username, display_name=display_name)
        if not Membership.objects.filter(user=user, role=role, unit=unit, region=region).exists():
            services.membership_grant(user=user, role=role, unit=unit, region=region, by=None)
        report.login(username=username, role=Role(role).label, scope=unit or region or _("everywhere"))


def _account(run, *, username, display_name=""):
    user = User.objects.filter(username=username).first()
    if user is None:
        run.created += 1
        return services.user_create(
            username=username, password_hash=run.password_hash(), display_name=display_name, by=None
        )
    if not run.is_demo_password(user.password):
        services.user_password_set(user=user, password_hash=run.password_hash(), by=None)
    return user


def _citizen(run, report):
    # The citizen's name is stored once, on the citizen record, not as the account's display name.
    user = _account(run, username=DEMO_CITIZEN["username"])
    if not Citizen.objects.filter(user=user).exists():
        services.citizen_create(
            name=DEMO_CITIZEN["name"],
            phone=DEMO_CITIZEN["phone"],
            address=DEMO_CITIZEN["address"],
            user=user,
            by=None,
        )
        run.created += 1
    report.login(username=user.username, role=pgettext("org", "Citizen"), scope=_("public site"))


def load_demo(report=None):
    """Create (or complete) the demo county; returns the report with the demo logins."""
    report = DemoReport() if report is None else report
    run = _Run()
    county, townships = _regions(run)
    _boundaries(run, county)
    _units(run, county, townships)
    _officials(run, report)
    _citizen(run, report)
    report.note(
        _("Organisation: %(regions)d regions, %(units)d units, %(users)d accounts (%(created)d records new).")
        % {
            "regions": Region.objects.filter(path__startswith=county.path).count(),
            "units": Unit.objects.count(),
            "users": User.objects.count(),
            "created": run.created,
        }
    )
    return report

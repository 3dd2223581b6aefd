"""The practical projects in the demo: this year's programme of the demo county, in delivery.

Citizens, officials and deputies nominated; the units screened (one rejected with its reason); the
public voted online and on paper, equal shares picked the winners; the chosen projects carry updates,
weighted parts and milestones on the working calendar, one of them overdue and escalated.
Idempotent: the programme is found again by its region and year.
"""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from massline.org import services as org_services
from massline.org.models import Region, Unit

from . import services
from .choices import Decider, Feasibility, NominatorKind, Phase, ProjectStatus, Theme, WinnerMethod
from .models import Programme, Project

COUNTY_CODE = "430199"
ORGANISER_UNIT = "zfb"
ORGANISER = "admin"
CITIZEN = "citizen"
CITIZEN_RESIDENCE = "430199001001"  # 解放社区, where the demo citizen's address is
BUDGET = Decimal("30000000")

# (theme, title, description, kind, cost in yuan or None to reject, owner unit code, paper ballots)
NOMINATIONS = [
    (
        Theme.WATER,
        "农村饮水安全巩固提升工程",
        "为西山镇、青石乡 12 个村新建和改造供水管网 86 公里，解决 1.1 万人季节性缺水。",
        NominatorKind.CITIZEN,
        9_000_000,
        "water",
        460,
    ),
    (
        Theme.SCHOOLING,
        "城区新建两所公办幼儿园",
        "在东湖街道、城关街道各新建一所 9 个班的公办幼儿园，新增学位 540 个。",
        NominatorKind.DEPUTY,
        12_000_000,
        "jyj",
        380,
    ),
    (
        Theme.PENSION,
        "社区老年助餐点全覆盖",
        "在 18 个社区建设老年食堂和助餐点，为 80 岁以上老人提供每餐 5 元补贴。",
        NominatorKind.CITIZEN,
        3_600_000,
        "mzj",
        520,
    ),
    (
        Theme.MEDICAL,
        "村卫生室标准化建设",
        "为 40 个村卫生室配齐诊疗设备，实现医保结算村村通。",
        NominatorKind.OFFICIAL,
        4_000_000,
        "wjj",
        300,
    ),
    (
        Theme.HOUSING,
        "老旧小区加装电梯 60 部",
        "对 2000 年前建成的多层住宅加装电梯，每部补助 20 万元。",
        NominatorKind.CITIZEN,
        12_000_000,
        "zjj",
        250,
    ),
    (
        Theme.EMPLOYMENT,
        "零工市场和家门口就业服务站",
        "建设县零工市场 1 个、社区就业服务站 10 个，每年开展技能培训 3000 人次。",
        NominatorKind.DEPUTY,
        2_500_000,
        "rsj",
        210,
    ),
    (
        Theme.OTHER,
        "县城建设大型音乐喷泉广场",
        "在县城中心新建音乐喷泉广场。",
        NominatorKind.CITIZEN,
        None,
        "zjj",
        0,
    ),
]
REJECTION = "不属于保障基本民生的实事范围，投入大、受益面窄，建议纳入城市更新项目统筹考虑。"
DEPUTY = "刘建华"
# Ballots of several projects at once, on paper (copies, the titles' indexes).
JOINT_BALLOTS = [(180, (0, 2)), (150, (1, 4)), (90, (2, 3, 5))]


def load_demo(report):
    """The hook `massline demo` calls."""
    programme = _programme()
    report.note(
        _("Practical projects: “%(title)s” is in its %(phase)s phase, %(n)d projects in delivery.")
        % {
            "title": programme.title,
            "phase": programme.get_phase_display(),
            "n": programme.projects.filter(parent__isnull=True).count(),
        }
    )


def _windows(year):
    return {
        Phase.NOMINATION: (dt.date(year, 1, 5), dt.date(year, 2, 15)),
        Phase.SCREENING: (dt.date(year, 2, 16), dt.date(year, 3, 10)),
        Phase.VOTE: (dt.date(year, 3, 11), dt.date(year, 3, 31)),
        Phase.DELIVERY: (dt.date(year, 4, 1), dt.date(year, 12, 20)),
        Phase.RATING: (dt.date(year, 12, 21), dt.date(year, 12, 31)),
    }


def _programme():
    county = Region.objects.get(code=COUNTY_CODE)
    year = timezone.localdate().year
    existing = Programme.objects.filter(region=county, year=year).first()
    if existing is not None:
        return existing
    User = get_user_model()
    admin = User.objects.get(username=ORGANISER)
    citizen = User.objects.get(username=CITIZEN)
    if not citizen.citizen.is_verified_resident_of(county):
        org_services.citizen_verify_residence(
            citizen=citizen.citizen, residence=Region.objects.get(code=CITIZEN_RESIDENCE), by=admin
        )
        citizen.refresh_from_db()
    programme = services.programme_create(
        by=admin,
        region=county,
        unit=Unit.objects.get(code=ORGANISER_UNIT),
        year=year,
        title=f"示范县{year}年民生实事项目",
        summary="县政府每年为群众办好一批民生实事：群众提名、部门筛选、群众投票，实施情况全程公开，年终由群众评议。",
        budget=BUDGET,
        windows=_windows(year),
        decider=Decider.PUBLIC,
        max_choices=3,
        method=WinnerMethod.EQUAL_SHARES,
    )
    services.phase_advance(programme=programme, by=admin)
    made = []
    for theme, title, description, kind, _cost, _unit, _paper in NOMINATIONS:
        if kind == NominatorKind.CITIZEN:
            nominator = services.nomination_submit(
                programme=programme, theme=theme, title=title, description=description, by=citizen
            )
        else:
            nominator = services.nomination_submit(
                programme=programme,
                theme=theme,
                title=title,
                description=description,
                by=admin,
                kind=kind,
                deputy_name=DEPUTY if kind == NominatorKind.DEPUTY else "",
            )
        made.append(nominator.nomination)
    # A second, similar nomination of the water project, merged into the first: both nominators kept.
    similar = services.nomination_submit(
        programme=programme,
        theme=Theme.WATER,
        title="解决石门村吃水难",
        description="石门村夏季经常停水，希望接通县城自来水。",
        by=admin,
        kind=NominatorKind.DEPUTY,
        deputy_name="王秀兰",
    ).nomination
    services.nominations_merge(target=made[0], sources=[similar], by=admin)
    services.phase_advance(programme=programme, by=admin)
    for nomination, (_t, _ti, _d, _k, cost, unit, _p) in zip(made, NOMINATIONS, strict=True):
        if cost is None:
            services.nomination_screen(
                nomination=nomination,
                by=admin,
                accept=False,
                feasibility=Feasibility.NOT_FEASIBLE,
                reason=REJECTION,
            )
        else:
            services.nomination_screen(
                nomination=nomination,
                by=admin,
                accept=True,
                feasibility=Feasibility.FEASIBLE,
                cost=cost,
                owner_unit=Unit.objects.get(code=unit),
                note="经发改、财政部门论证，资金已纳入年度预算。",
            )
    services.phase_advance(programme=programme, by=admin)
    services.ballot_cast(programme=programme, by=citizen, nominations=[made[0], made[2]])
    for nomination, (*_rest, paper) in zip(made, NOMINATIONS, strict=True):
        if paper:
            services.paper_ballots_enter(
                programme=programme, by=admin, nominations=[nomination], copies=paper, note="各乡镇投票点"
            )
    for copies, indexes in JOINT_BALLOTS:
        services.paper_ballots_enter(
            programme=programme,
            by=admin,
            nominations=[made[i] for i in indexes],
            copies=copies,
            note="社区投票点",
        )
    services.results_publish(programme=programme, by=admin)
    services.phase_advance(programme=programme, by=admin)
    _deliver(programme, admin)
    services.milestones_check()
    return programme


def _deliver(programme, admin):
    today = timezone.localdate()
    year_end = dt.date(programme.year, 12, 31)
    for index, project in enumerate(Project.objects.filter(programme=programme).order_by("id")):
        if index == 0:
            services.update_post(
                project=project,
                by=admin,
                text="完成勘察设计和招标，施工单位进场。",
                status=ProjectStatus.PREPARING,
            )
            pipes = services.project_part_add(
                parent=project, by=admin, title="供水管网 86 公里", budget=7_000_000, weight=3
            )
            plant = services.project_part_add(
                parent=project, by=admin, title="西山水厂扩建", budget=2_000_000, weight=1
            )
            services.update_post(
                project=pipes,
                by=admin,
                text="已铺设管网 70 公里。",
                status=ProjectStatus.UNDER_WAY,
                progress=80,
                spent=5_200_000,
            )
            services.update_post(
                project=plant,
                by=admin,
                text="水厂扩建完工，正在验收。",
                status=ProjectStatus.ACCEPTANCE,
                spent=1_900_000,
            )
        elif index == 1:
            services.update_post(
                project=project,
                by=admin,
                text="两所幼儿园主体完工，正在装修。",
                status=ProjectStatus.UNDER_WAY,
                progress=70,
                spent=8_100_000,
            )
        else:
            services.update_post(
                project=project,
                by=admin,
                text="已全部建成投入使用。",
                status=ProjectStatus.DONE,
                spent=project.budget,
            )
        due = today + dt.timedelta(days=14)
        if due <= year_end:
            services.milestone_add(project=project, by=admin, title="完成年度建设任务，组织验收", due_on=due)
        # A milestone already overdue: set when it was planned, forty days ago, due five days ago.
        planned = timezone.now() - dt.timedelta(days=40)
        if index == 0 and planned.year == programme.year:
            services.milestone_add(
                project=project,
                by=admin,
                title="管网主体工程完工",
                due_on=today - dt.timedelta(days=5),
                now=planned,
            )

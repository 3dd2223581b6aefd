"""Consultations in the demo: an open draft decision of the county's housing bureau, with sections,
statements and opinions, and a closed conversation imported from Pol.is open data with its opinion groups.

Idempotent: each consultation is found again by its title.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from massline.org.models import Region, Unit

from . import services
from .choices import ConsultationSource
from .models import Consultation
from .polis import polis_import

UNIT_CODE = "zjj"
AUTHOR = "head_zj"
# A small Pol.is conversation (CC BY 4.0, The Computational Democracy Project) that imports in seconds.
POLIS_CONVERSATION = "scoop-hivemind.freshwater"

TITLE = "示范县老旧小区改造三年行动方案（征求意见稿）"
SUMMARY = (
    "为改善老旧小区居住条件，县住房和城乡建设局拟定了 2027—2029 年老旧小区改造行动方案。"
    "在方案定稿前，公开征求群众意见：每条意见都将得到答复，并在采纳情况报告中说明是否采纳及理由。"
)
SECTIONS = [
    (
        "一、改造范围",
        "2000 年底前建成、配套设施不全的住宅小区，共 46 个，涉及居民 1.2 万户。"
        "改造分三批实施，先改造居民意愿强、基础条件差的小区。",
    ),
    (
        "二、改造内容",
        "基础类：水电气路、屋面防水、外墙保温；完善类：加装电梯、停车位、充电桩、无障碍设施；"
        "提升类：养老托育、便民服务站点。加装电梯由居民自愿申请，政府按每部 20 万元给予补助。",
    ),
    (
        "三、资金与居民出资",
        "改造资金由中央和省级补助、县级财政、管线单位和居民共同承担；"
        "居民出资部分可使用住房公积金和专项维修资金。",
    ),
]
STATEMENTS = [
    "加装电梯应优先安排有老年人居住的楼栋。",
    "停车位不足比加装电梯更紧迫。",
    "居民出资比例应按楼层高低区别对待。",
    "改造期间应保证每天有固定的施工停工时段。",
    "小区改造后应引入专业物业管理。",
]
OPINIONS = [
    "建议把雨污分流列入基础类改造，我们小区一下雨就返水。",
    "一楼住户不用电梯，不应按同样比例出资。",
    "希望公布每个小区的改造时间表，方便居民提前安排。",
]


def load_demo(report):
    """The hook `massline demo` calls."""
    open_one = _open_consultation()
    imported = _polis_consultation()
    report.note(
        _("Consultations: “%(open)s” is open for opinions; “%(imported)s” was imported from Pol.is.")
        % {"open": open_one.title, "imported": imported.title if imported else "-"}
    )


def _open_consultation():
    existing = Consultation.objects.filter(title=TITLE).first()
    if existing is not None:
        return existing
    author = get_user_model().objects.get(username=AUTHOR)
    unit = Unit.objects.get(code=UNIT_CODE)
    consultation = services.consultation_create(
        by=author,
        unit=unit,
        title=TITLE,
        summary=SUMMARY,
        sections=SECTIONS,
        region=Region.objects.filter(parent__isnull=True).first(),
    )
    for text in STATEMENTS:
        services.statement_add(consultation=consultation, text=text, by=author)
    now = timezone.now()
    consultation = services.consultation_publish(
        consultation=consultation,
        by=author,
        opens_at=now - timedelta(days=3),
        closes_at=now + timedelta(days=30),
    )
    section = consultation.sections.order_by("position").first()
    for number, body in enumerate(OPINIONS, start=1):
        participant = services.participant_get_or_create(
            consultation=consultation, anonymous_key=f"demo-{number}"
        )
        services.opinion_submit(
            consultation=consultation, participant=participant, body=body, section=section
        )
    return consultation


def _polis_consultation():
    directory = settings.MASSLINE_DATA_DIR / "polis" / POLIS_CONVERSATION
    if not directory.exists():
        return None
    existing = Consultation.objects.filter(
        source=ConsultationSource.POLIS, title__icontains="freshwater"
    ).first()
    if existing is not None:
        return existing
    consultation = polis_import(directory=directory, unit_code=UNIT_CODE)
    services.groups_compute(consultation=consultation)
    return consultation

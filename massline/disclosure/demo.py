"""Disclosure requests in the demo: a few requests of the county's housing bureau in different states —
answered after clarification, a third party's view and an extension; already public; another agency's;
lapsed; and two still running. Idempotent: each request is found again by its description.

The finished ones carry fixed 2026 dates (so their clocks are on the packaged calendar); the running ones
are received a few days before the demo is loaded.
"""

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from massline.lib.errors import DomainError
from massline.org.models import Unit

from . import services
from .choices import AnswerType, LegalGround
from .models import DisclosureRequest

UNIT_CODE = "zjj"
OTHER_UNIT_CODE = "sthj"
HANDLER, HEAD = "handler_zj", "head_zj"
APPLICANT = {"applicant_name": "刘晓红", "id_document": "430199198805061234", "phone": "13907310001"}


def _at(*args):
    return timezone.make_aware(datetime(*args))


def _submit(description, received_at, unit=None):
    existing = DisclosureRequest.objects.filter(description=description).first()
    if existing is not None:
        return existing, False
    unit = unit or Unit.objects.get(code=UNIT_CODE)
    return services.request_submit(
        unit=unit, description=description, received_at=received_at, **APPLICANT
    ), True


def load_demo(report):
    """The hook `massline demo` calls."""
    users = get_user_model().objects
    handler, head = users.get(username=HANDLER), users.get(username=HEAD)
    made = 0

    item, new = _submit("2025年老旧小区改造项目的招标文件和中标合同。", _at(2026, 9, 24, 10))
    if new:
        services.request_clarify(
            request=item, note="请说明是哪个小区的项目。", by=handler, at=_at(2026, 9, 29, 15)
        )
        services.request_correct(request=item, text="人民路小区改造项目。", at=_at(2026, 10, 9, 11))
        services.request_consult(
            request=item, third_party="示范县建工集团", by=handler, at=_at(2026, 10, 12, 10)
        )
        services.request_consult_end(
            request=item, view="单价属于商业秘密，不同意公开。", by=handler, at=_at(2026, 10, 19, 10)
        )
        services.request_extend(
            request=item, reason="涉及合同较多，需要逐份审查。", by=head, at=_at(2026, 10, 26, 9, 30)
        )
        services.request_answer(
            request=item,
            answer_type=AnswerType.PARTLY_DISCLOSED,
            legal_ground=LegalGround.THIRD_PARTY,
            text="公开招标文件和合同总价；分项单价涉及第三方商业秘密，不予公开。",
            pages=42,
            by=handler,
            at=_at(2026, 11, 20, 16),
        )
        made += 1

    item, new = _submit("2026年县住房保障资金预算。", _at(2026, 10, 13, 9, 30))
    if new:
        services.request_answer(
            request=item,
            answer_type=AnswerType.ALREADY_PUBLIC,
            where_public="县政府门户网站 › 财政预决算 › 2026年",
            text="该信息已主动公开。",
            by=handler,
            at=_at(2026, 10, 15, 10),
        )
        made += 1

    item, new = _submit("县城污水处理厂2025年出水水质监测数据。", _at(2026, 10, 20, 9))
    if new:
        services.request_answer(
            request=item,
            answer_type=AnswerType.OTHER_AGENCY,
            other_agency=Unit.objects.get(code=OTHER_UNIT_CODE),
            text="该信息由县生态环境分局掌握，请向其申请。",
            by=handler,
            at=_at(2026, 10, 22, 15),
        )
        made += 1

    item, new = _submit("关于那份文件。", _at(2026, 10, 26, 10))
    if new:
        services.request_clarify(
            request=item, note="请说明所需文件的名称或文号。", by=handler, at=_at(2026, 10, 27, 10)
        )
        services.request_lapse(request=item, at=_at(2026, 11, 6, 9))
        made += 1

    now = timezone.now()
    try:
        item, new = _submit("本县公租房轮候名单的编制办法。", now - timedelta(days=2))
        made += new
        item, new = _submit("人民路加装电梯项目的补助标准和审批结果。", now - timedelta(days=3))
        if new:
            services.request_consult(
                request=item, third_party="人民路小区业主委员会", by=handler, at=now - timedelta(days=1)
            )
            made += 1
        # Never answered: the worker's round walks it up the overdue ladder to the supervisor's decision.
        item, new = _submit("城区道路挖掘修复工程的验收报告。", now - timedelta(days=50))
        if new:
            services.disclosure_tick(now=now)
            made += 1
    except DomainError as exc:  # a running clock reaching a year whose holidays are not entered yet
        report.note(str(exc.message))
    report.note(_("Disclosure: %(n)s demo requests added.") % {"n": made})
